/** The page at / when the web app is not built (no dashboard/dist): what is here and how to build it. */
export function landingPage(version: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vera</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:4rem auto;padding:0 1rem;color:#1f2328}code{background:#f2f4f7;padding:0 .3em;border-radius:3px}</style>
</head><body>
<h1>Vera <small style="color:#667">${version}</small></h1>
<p>Continuous verification for scientific data-processing pipelines.</p>
<p>The dashboard is not built: run <code>npm run build</code> (or start Vera with <code>npm start</code>, which builds it).</p>
<ul>
<li><a href="/graphql">GraphQL</a> (GraphiQL in the browser; <code>POST /graphql</code> for programs)</li>
<li><a href="/healthz">/healthz</a> and <a href="/metrics">/metrics</a> (Prometheus)</li>
</ul>
</body></html>
`;
}
