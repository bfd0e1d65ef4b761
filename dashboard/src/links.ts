/** URLs of the app's pages, built in one place so every link is shareable and consistent. */

function query(params: Record<string, string | string[] | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const x of v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]) if (String(x) !== '') q.append(k, String(x));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Run and collection names hold slashes; each segment is encoded, the slashes kept. */
const segments = (name: string) => name.split('/').map(encodeURIComponent).join('/');

export const link = {
  overview: (branch?: string) => `/${query({ branch })}`,
  metric: (name: string, p: { dataset?: string; branch?: string | string[]; dataId?: Record<string, string> } = {}) =>
    `/metric/${encodeURIComponent(name)}${query({ dataset: p.dataset, branch: p.branch, ...Object.fromEntries(Object.entries(p.dataId ?? {}).map(([k, v]) => [`id.${k}`, v])) })}`,
  compare: (p: { dataset?: string; head?: string; base?: string; baseRun?: string; headRun?: string } = {}) => `/compare${query(p)}`,
  runs: () => '/runs',
  builds: (status?: string) => `/builds${query({ status })}`,
  build: (id: number) => `/build/${id}`,
  deliveries: (id?: string) => `/deliveries${query({ id })}`,
  run: (name: string) => `/run/${segments(name)}`,
  replays: () => '/replays',
  replay: (id: number) => `/replay/${id}`,
  regressions: (status?: string) => `/regressions${query({ status })}`,
  regression: (id: number) => `/regression/${id}`,
  skyMap: (collection: string) => `/skymap/${segments(collection)}`,
  dataset: (id: string) => `/dataset/${encodeURIComponent(id)}`,
  dashboards: () => '/dashboards',
  dashboard: (slug: string, vars: Record<string, string | string[]> = {}) =>
    `/d/${encodeURIComponent(slug)}${query(Object.fromEntries(Object.entries(vars).map(([k, v]) => [`var-${k}`, v])))}`,
};
