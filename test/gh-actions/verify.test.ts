import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, bundleAction } from '../../gh-actions/verify/build.ts';
import { parseOutputFile, runActionBundle, type ActionResult } from '../support/action.ts';
import type { BuildState } from '../../gh-actions/verify/src/builds.ts';
import { buildTarget, graphqlEndpoint, readConfig, type ActionConfig } from '../../gh-actions/verify/src/config.ts';
import { regressedMetrics, stepSummary, verdict } from '../../gh-actions/verify/src/report.ts';
import { escapeData, formatCommand, formatOutput, getBooleanInput, getInput, getNumberInput, Step } from '../../gh-actions/verify/src/toolkit.ts';
import { VeraClient, VeraRequestError } from '../../gh-actions/verify/src/vera-client.ts';
import { TypedDocumentString } from '../../gh-actions/verify/src/generated/graphql.ts';

/** A document the test's fake server answers; the schema has no such field. */
const OK_QUERY = new TypedDocumentString<{ ok: number }, Record<string, never>>('{ ok }');
import { listBuilds } from '../../server/ci/builds.ts';
import { addRepo } from '../../server/git/repos.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { comparisonMarkdown } from '../../server/metrics/compare-format.ts';
import type { Comparison, CompareRow } from '../../server/metrics/compare.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, metricPipeline, metricTaskSource } from '../support/git-repo.ts';
import { seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

const require = createRequire(import.meta.url);
type Example = { name: string; examples: Record<string, unknown>[] };
const EXAMPLES = require('@octokit/webhooks-examples') as Example[];

const t = useTestDatabase();
const v = useTestVera(t, {}, { homeInProject: true });
let server: VeraHttpServer;
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-action-test-'));

beforeAll(async () => {
  server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
  repo = await makePipelineRepo('gh-action');
});
afterAll(async () => {
  await server?.close();
  repo?.remove();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs the committed bundle as the runner would. */
const runBundle = (env: Record<string, string>, payload?: unknown): Promise<ActionResult> => runActionBundle(tmp, env, payload);

const GITHUB_REPO = 'vera-test/toy-pipelines';
const VERA_YAML = `runs:
  - name: toy
    pipeline: pipeline.yaml
    dataset: TestCam/raw
    on: [push, pull_request, release]
`;
const files = (offset: number, note = '') => ({ 'vera.yaml': VERA_YAML, 'tasks.ts': metricTaskSource(), 'pipeline.yaml': metricPipeline(offset), 'README.md': `toy pipelines ${note}\n` });

/** Inputs as the runner passes them: every input of action.yml, defaults filled in. */
function inputs(token: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    'INPUT_VERA-URL': server.url,
    INPUT_TOKEN: token,
    INPUT_PIPELINE: '',
    INPUT_DATASET: '',
    'INPUT_FAIL-ON-REGRESSION': 'true',
    INPUT_REPO: GITHUB_REPO,
    // Generous: a build finishes in seconds on an idle machine; the limit only catches a hang.
    'INPUT_TIMEOUT-MINUTES': '10',
    'INPUT_POLL-SECONDS': '0.2',
    GITHUB_REPOSITORY: GITHUB_REPO,
    ...over,
  };
}

function pullRequestEvent(number: number, headSha: string, headRef: string) {
  const pr = structuredClone(EXAMPLES.find((x) => x.name === 'pull_request')!.examples.find((x) => x.action === 'synchronize')!);
  const body = pr.pull_request as Record<string, Record<string, unknown>>;
  Object.assign(pr, { number });
  Object.assign(body, { number });
  Object.assign(body.head!, { sha: headSha, ref: headRef });
  Object.assign(body.base!, { ref: 'master' });
  return pr;
}

async function settleBuilds() {
  for (let i = 0; i < 3000; i++) {
    const busy = (await listBuilds(t.db, {})).some((b) => b.build.status === 'queued' || b.build.status === 'running');
    if (!busy) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('builds did not finish');
}

const errorLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error'));

describe('the verify action against a running Vera', () => {
  // Nine builds one after another: minutes on a machine busy with other work, hence the limit.
  it('builds master, passes a clean pull request and fails a regressing one with a readable summary', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 2, nDetectors: 1 });
    const { token } = await v.user('ci-bot', 'developer');
    const sha1 = await repo.commit(files(0, 'v1'), 'Toy metric pipeline');
    await addRepo(t.db, v.vera.config.home, { url: repo.dir, name: 'toy-pipelines', githubFullName: GITHUB_REPO }, op);

    // A push to master, with the pipeline and dataset given as inputs instead of vera.yaml.
    const pushEnv = (sha: string) => ({ GITHUB_EVENT_NAME: 'push', GITHUB_SHA: sha, GITHUB_REF: 'refs/heads/master' });
    const first = await runBundle({ ...inputs(token, { INPUT_PIPELINE: 'pipeline.yaml', INPUT_DATASET: 'TestCam/raw' }), ...pushEnv(sha1) });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ status: 'succeeded', regressions: '0' });
    expect(JSON.parse(first.outputs.runs!)).toEqual([expect.stringMatching(/^ci\/toy-pipelines\/master\/[0-9a-f]{10}\/pipeline$/)]);
    expect(first.stdout).toContain(`::add-mask::${token}`);
    expect(first.stdout).toMatch(/pipeline: succeeded, 1\/1 quanta done \(1 succeeded\)/);
    expect(first.stdout).toMatch(/::group::Run ci\/toy-pipelines\/master\/\w+\/pipeline: succeeded \(1\/1 quanta succeeded\)\n[^]*::endgroup::/);
    expect(first.summary).toContain(`Vera build ${first.outputs['build-id']}: succeeded`);

    // Waiting is bounded: a build still running at the deadline fails the step.
    const sha2 = await repo.commit(files(0, 'v2'), 'Step 2');
    const late = await runBundle({ ...inputs(token, { 'INPUT_TIMEOUT-MINUTES': '0.00001' }), ...pushEnv(sha2) });
    expect(late.code).toBe(1);
    expect(late.outputs.status).toBe('timeout');
    expect(errorLines(late.stdout)).toEqual([expect.stringMatching(/^::error title=Vera::Vera build \d+ did not finish within 0\.001 s \(still running\)$/)]);
    expect(late.summary).toContain('did not finish');

    // More master history through the API: five measured commits give the base series the noise
    // estimate (4 degrees of freedom) that judging a one-commit branch needs.
    for (const note of ['v3', 'v4', 'v5']) {
      const sha = await repo.commit(files(0, note), `Step ${note}`);
      const res = await v.gql(`mutation($c: String!) { requestBuild(repo: "${GITHUB_REPO}", commit: $c, ref: "refs/heads/master", event: "push") { id } }`, { c: sha }, token);
      expect(res.errors).toBeUndefined();
    }
    await settleBuilds();
    expect((await listBuilds(t.db, { status: 'succeeded' })).length).toBe(5);

    // A clean pull request: vera.yaml decides; the PR head is built, not GitHub's merge commit.
    await repo.git.checkout(['-b', 'docs']);
    const clean = await repo.commit(files(0, 'better docs'), 'Document the toy');
    const prEnv = (n: number) => ({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_SHA: 'f'.repeat(40), GITHUB_REF: `refs/pull/${n}/merge` });
    const ok = await runBundle({ ...inputs(token), ...prEnv(7) }, pullRequestEvent(7, clean, 'docs'));
    expect(ok.code).toBe(0);
    expect(errorLines(ok.stdout)).toEqual([]);
    expect(ok.outputs).toMatchObject({ status: 'succeeded', regressions: '0' });
    expect(JSON.parse(ok.outputs.runs!)).toEqual([`ci/toy-pipelines/pr-7/${clean.slice(0, 10)}/toy`]);
    expect(ok.summary).toMatch(/^## ✅ Vera build \d+: succeeded\n/);
    expect(ok.summary).toContain(`on \`refs/pull/7/head\` (pull_request #7)`);
    expect(ok.summary).toContain('No regression');
    expect(ok.summary).toMatch(/\| toy\.offset \| all \| [\d.]+ \| [\d.]+ \| 0 \|/);

    // A regressing pull request: the metric moves; the step fails and says which metric.
    await repo.git.checkout(['master']);
    await repo.git.checkout(['-b', 'offset']);
    const bad = await repo.commit(files(1, 'offset'), 'Raise the offset');
    const failing = await runBundle({ ...inputs(token, { INPUT_PIPELINE: 'pipeline.yaml', INPUT_DATASET: 'TestCam/raw' }), ...prEnv(8) }, pullRequestEvent(8, bad, 'offset'));
    expect(failing.code).toBe(1);
    expect(failing.outputs).toMatchObject({ status: 'succeeded', regressions: '1' });
    expect(errorLines(failing.stdout)).toEqual([`::error title=Vera::Vera build ${failing.outputs['build-id']}: 1 metric regressed: toy.offset`]);
    expect(failing.summary).toMatch(/^## ❌ Vera build \d+: succeeded\n/);
    expect(failing.summary).toContain('**1 metric regressed**: `toy.offset`');
    expect(failing.summary).toMatch(/\| toy\.offset \| all \| [\d.]+ \| [\d.]+ \| 1 \| .* \| regression \|/);

    // Asked not to fail on regressions: the same build (one per commit and ref), a warning.
    const tolerant = await runBundle({ ...inputs(token, { 'INPUT_FAIL-ON-REGRESSION': 'false' }), ...prEnv(8) }, pullRequestEvent(8, bad, 'offset'));
    expect(tolerant.code).toBe(0);
    expect(tolerant.outputs['build-id']).toBe(failing.outputs['build-id']);
    expect(tolerant.stdout).toContain('::warning title=Vera::');
    expect(tolerant.summary).toMatch(/^## ⚠️ Vera build/);

    // A failed build fails the step whatever fail-on-regression says, naming the failed quantum.
    await repo.git.checkout(['master']);
    await repo.git.checkout(['-b', 'broken']);
    const broken = await repo.commit({ ...files(0, 'broken'), 'tasks.ts': metricTaskSource().replace('run(inputs, config, ctx) {', "run(inputs, config, ctx) {\n    throw new Error('no raw values today');") }, 'Break the task');
    const crash = await runBundle({ ...inputs(token, { 'INPUT_FAIL-ON-REGRESSION': 'false' }), ...prEnv(9) }, pullRequestEvent(9, broken, 'broken'));
    expect(crash.code).toBe(1);
    expect(crash.outputs).toMatchObject({ status: 'failed', regressions: '0' });
    expect(errorLines(crash.stdout)).toEqual([expect.stringMatching(/^::error title=Vera::Vera build \d+ failed: run ci\/toy-pipelines\/pr-9\/\w+\/toy failed: metric instrument=TestCam: Error: no raw values today$/)]);
    expect(crash.stdout).toMatch(/::group::Run ci\/toy-pipelines\/pr-9\/\w+\/toy: failed \(0\/1 quanta succeeded\)\n[^]*failed quantum metric instrument=TestCam: .*no raw values today[^]*::endgroup::/);
    expect(crash.summary).toMatch(/^## ❌ Vera build \d+: failed\n/);
    expect(crash.summary).toContain('- `metric` instrument=TestCam: Error: no raw values today\n\n  ```text\n  Error: no raw values today\n      at ');

    // Refusals read as Vera's code and message, in the log and the summary.
    const unknown = await runBundle({ ...inputs(token), ...pushEnv('0123456789'.repeat(4)) });
    expect(unknown.code).toBe(1);
    expect(errorLines(unknown.stdout)).toEqual([`::error title=Vera::requesting the build: Vera refused: [NOT_FOUND] commit ${'0123456789'.repeat(4)} is not in 'toy-pipelines', even after a fetch`]);
    expect(unknown.summary).toContain('[NOT_FOUND]');
    const denied = await runBundle({ ...inputs('not-a-token'), ...pushEnv(sha1) });
    expect(denied.code).toBe(1);
    expect(errorLines(denied.stdout)).toEqual([expect.stringMatching(/^::error title=Vera::requesting the build: Vera answered HTTP 401 Unauthorized: \[UNAUTHENTICATED\] /)]);
    await settleBuilds();
  }, 900_000);
});

describe('the bundle', () => {
  it('dist/index.js is what `npm run build:action` makes of the sources', async () => {
    const fresh = await bundleAction();
    const committed = fs.readFileSync(BUNDLE);
    expect(Buffer.compare(Buffer.from(fresh), committed), 'gh-actions/verify/dist/index.js is stale: run `npm run build:action`').toBe(0);
  });
});

describe('toolkit helpers', () => {
  it('reads inputs as the runner names them: upper case, dashes kept, trimmed', () => {
    const env = { 'INPUT_VERA-URL': ' http://x \n', 'INPUT_FAIL-ON-REGRESSION': 'False', 'INPUT_TIMEOUT-MINUTES': '1.5', 'INPUT_MY_INPUT': 'y' };
    expect(getInput(env, 'vera-url')).toBe('http://x');
    expect(getInput(env, 'my input')).toBe('y');
    expect(getInput(env, 'pipeline')).toBe('');
    expect(() => getInput(env, 'token', { required: true })).toThrow("input 'token' is required");
    expect(getBooleanInput(env, 'fail-on-regression', true)).toBe(false);
    expect(getBooleanInput(env, 'other', true)).toBe(true);
    expect(() => getBooleanInput({ INPUT_X: 'yes' }, 'x', true)).toThrow("input 'x' must be true or false, not 'yes'");
    expect(getNumberInput(env, 'timeout-minutes', 60)).toBe(1.5);
    expect(() => getNumberInput({ INPUT_T: '-1' }, 't', 1)).toThrow('positive number');
  });

  it('writes outputs in the multi-line delimiter syntax, and refuses a value containing the delimiter', () => {
    const file = path.join(tmp, 'outputs-unit');
    fs.writeFileSync(file, '');
    const step = new Step({ GITHUB_OUTPUT: file }, () => {});
    step.setOutput('runs', '["a"]');
    step.setOutput('summary', 'line 1\nline 2\n::error::not a command');
    expect(parseOutputFile(fs.readFileSync(file, 'utf8'))).toEqual({ runs: '["a"]', summary: 'line 1\nline 2\n::error::not a command' });
    expect(formatOutput('n', 'v', 'EOF')).toBe('n<<EOF\nv\nEOF\n');
    expect(() => formatOutput('n', 'a\nEOF\nb', 'EOF')).toThrow('contains the delimiter');
  });

  it('escapes workflow commands and appends the step summary', () => {
    expect(escapeData('100%\r\nnext')).toBe('100%25%0D%0Anext');
    expect(formatCommand('error', 'a\nb', { title: 'Vera: x, y', file: undefined })).toBe('::error title=Vera%3A x%2C y::a%0Ab');
    const lines: string[] = [];
    const file = path.join(tmp, 'summary-unit.md');
    fs.writeFileSync(file, '# earlier step\n');
    const step = new Step({ GITHUB_STEP_SUMMARY: file }, (s) => lines.push(s));
    step.group('Run r', ['one', '::error::from a traceback'], 'tok');
    expect(lines.join('')).toBe('::group::Run r\n::stop-commands::tok\none\n::error::from a traceback\n::tok::\n::endgroup::\n');
    expect(step.appendSummary('## Vera')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('# earlier step\n## Vera\n');
    expect(new Step({}, () => {}).appendSummary('x')).toBe(false);
  });

  it('takes a pull request head commit from the event payload, and other events from GITHUB_SHA/GITHUB_REF', () => {
    const event = path.join(tmp, 'event-unit.json');
    fs.writeFileSync(event, JSON.stringify({ number: 12, pull_request: { number: 12, head: { sha: 'abc123' } } }));
    expect(buildTarget({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_SHA: 'merge', GITHUB_REF: 'refs/pull/12/merge' })).toEqual({
      commit: 'abc123',
      ref: 'refs/pull/12/head',
      event: 'pull_request',
      prNumber: 12,
    });
    expect(buildTarget({ GITHUB_EVENT_NAME: 'release', GITHUB_SHA: 'def', GITHUB_REF: 'refs/tags/v1.0' })).toEqual({ commit: 'def', ref: 'refs/tags/v1.0', event: 'release' });
    expect(buildTarget({ GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_SHA: 'def', GITHUB_REF: 'refs/heads/x' })).toMatchObject({ event: 'api' });
    fs.writeFileSync(event, '{}');
    expect(() => buildTarget({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event })).toThrow('no pull_request number and head sha');
    expect(() => buildTarget({ GITHUB_EVENT_NAME: 'push' })).toThrow('GITHUB_SHA is not set');
  });

  it('reads its config once: endpoint, defaults, and pipeline only with dataset', () => {
    expect(graphqlEndpoint('https://vera.example.org/')).toBe('https://vera.example.org/graphql');
    expect(graphqlEndpoint('http://127.0.0.1:4000/graphql')).toBe('http://127.0.0.1:4000/graphql');
    expect(() => graphqlEndpoint('vera.example.org')).toThrow("input 'vera-url' is not a URL");
    const env = { 'INPUT_VERA-URL': 'http://v', INPUT_TOKEN: 'tok', GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'push', GITHUB_SHA: 's', GITHUB_REF: 'refs/heads/master' };
    expect(readConfig(env)).toEqual({
      graphqlUrl: 'http://v/graphql',
      token: 'tok',
      repo: 'o/r',
      failOnRegression: true,
      timeoutMs: 3_600_000,
      pollMs: 10_000,
      target: { commit: 's', ref: 'refs/heads/master', event: 'push' },
    });
    expect(() => readConfig({ ...env, INPUT_PIPELINE: 'drp.yaml' })).toThrow("give both 'pipeline' and 'dataset'");
  });
});

describe('reports', () => {
  const row = (metric: string, status: CompareRow['status']): CompareRow => ({
    metric,
    unit: 'mmag',
    dataId: null,
    base: 1,
    head: 2,
    delta: 1,
    relativeDelta: 1,
    pValue: 0.001,
    significant: status !== 'unchanged',
    status,
    specs: [],
  });
  const comparison = (rows: CompareRow[]): Comparison => ({ base: { label: 'master', commit: 'a'.repeat(40), runs: [] }, head: { label: 'pr-1', commit: 'b'.repeat(40), runs: [] }, rows });

  it('names the regressed metrics from Vera’s comparison Markdown, across runs', () => {
    const md = [
      comparisonMarkdown(comparison([row('drp.PA1', 'regression'), row('drp.AM1', 'regression'), row('drp.fwhm', 'improvement')]), { title: 'Vera: drp' }),
      comparisonMarkdown(comparison([row('ap.latency', 'regression'), row('drp.PA1', 'regression')]), { title: 'Vera: ap' }),
      comparisonMarkdown(comparison([row('x.y', 'unchanged')])),
    ].join('\n');
    expect(regressedMetrics(md)).toEqual(['drp.PA1', 'drp.AM1', 'ap.latency']);
    expect(regressedMetrics(null)).toEqual([]);
  });

  it('fails failed builds with the first failed quantum, and writes it in the summary', () => {
    const build: BuildState = {
      id: 3,
      repo: 'r',
      commit: 'c'.repeat(40),
      ref: 'refs/heads/master',
      status: 'failed',
      error: null,
      regressions: 0,
      regressedMetrics: [],
      summaryMarkdown: null,
      runs: [{ name: 'ci/r/master/cccc/drp', status: 'failed', error: null, progress: { total: 4, pending: 0, running: 0, succeeded: 2, failed: 1, blocked: 1 } }],
    };
    const failures = new Map([['ci/r/master/cccc/drp', [{ taskLabel: 'isr', dataId: { visit: 1, detector: 0 }, error: 'bias missing' }]]]);
    const verdictOut = verdict(build, { failOnRegression: false, timedOut: false, timeoutMs: 60_000, failures });
    expect(verdictOut).toEqual({ ok: false, status: 'failed', errors: ['Vera build 3 failed: run ci/r/master/cccc/drp failed: isr visit=1 detector=0: bias missing'], warnings: [] });
    const config = { target: { commit: build.commit, ref: build.ref, event: 'push' } } as ActionConfig;
    const md = stepSummary(build, config, verdictOut, failures);
    expect(md).toContain('| `ci/r/master/cccc/drp` | failed | 2/4 | 1 | 1 |');
    expect(md).toContain('- `isr` visit=1 detector=0: bias missing');
  });

  it('passes a build that ran nothing, with a warning', () => {
    const build: BuildState = { id: 4, repo: 'r', commit: 'c'.repeat(40), ref: 'refs/heads/x', status: 'succeeded', error: null, regressions: null, regressedMetrics: null, summaryMarkdown: null, runs: [] };
    expect(verdict(build, { failOnRegression: true, timedOut: false, timeoutMs: 1, failures: new Map() })).toEqual({
      ok: true,
      status: 'succeeded',
      errors: [],
      warnings: ['Vera build 4 ran no pipeline: vera.yaml at this commit lists no run for this event'],
    });
  });
});

describe('Vera client', () => {
  it('retries a refused connection with backoff, then shows HTTP and GraphQL errors with code and message', async () => {
    // Find a free port, then start answering on it only after the client's first attempts fail.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    let answer: (res: http.ServerResponse) => void = (res) => res.end(JSON.stringify({ data: { ok: 1 } }));
    const srv = http.createServer((_req, res) => answer(res));
    const logged: string[] = [];
    const client = new VeraClient({ url: `http://127.0.0.1:${port}/graphql`, token: 't', attempts: 6, retryDelayMs: 40, log: (l) => logged.push(l) });
    setTimeout(() => srv.listen(port, '127.0.0.1'), 100);
    try {
      expect(await client.request('reading', OK_QUERY, {})).toEqual({ ok: 1 });
      expect(logged.length).toBeGreaterThanOrEqual(1);
      expect(logged[0]).toMatch(/^Vera did not answer \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); retrying in 40 ms \(attempt 2 of 6\)$/);

      answer = (res) => {
        res.statusCode = 401;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ errors: [{ message: 'unknown token', extensions: { code: 'UNAUTHENTICATED' } }] }));
      };
      await expect(client.request('reading', OK_QUERY, {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED', httpStatus: 401, message: 'reading: Vera answered HTTP 401 Unauthorized: [UNAUTHENTICATED] unknown token' });
      answer = (res) => res.end(JSON.stringify({ data: null, errors: [{ message: 'no build 9', extensions: { code: 'NOT_FOUND' } }, { message: 'x' }] }));
      await expect(client.request('reading', OK_QUERY, {})).rejects.toThrow('reading: Vera refused: [NOT_FOUND] no build 9 (and 1 more error)');
      let calls = 0;
      answer = (res) => {
        calls++;
        res.statusCode = 503;
        res.end('upstream down');
      };
      const err = await client.request('reading', OK_QUERY, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VeraRequestError);
      expect(calls).toBe(6);
      expect((err as Error).message).toMatch(/after 6 attempts: reading: Vera answered HTTP 503 Service Unavailable: upstream down$/);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });
});
