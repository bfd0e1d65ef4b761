import { readFileSync } from 'node:fs';
import { getBooleanInput, getInput, getNumberInput, InputError, type Env } from './toolkit.ts';

/** Vera's build events; any other GitHub event (workflow_dispatch, merge_group, ...) is `api`. */
const VERA_EVENTS = new Set(['push', 'pull_request', 'release', 'schedule', 'workflow_run']);

/** What to ask Vera to build: the same (commit, ref) its webhooks would use for this event. */
export interface BuildTarget {
  commit: string;
  ref: string;
  event: string;
  prNumber?: number;
  /** The PR's branch, recorded as the runs' branch. */
  headBranch?: string;
}

/** Everything the action reads from its inputs and the runner's environment, read once. */
export interface ActionConfig {
  /** GraphQL endpoint, e.g. `https://vera.example.org/graphql`. */
  graphqlUrl: string;
  token: string;
  /** A tracked repository's name or its GitHub `owner/name`. */
  repo: string;
  /** Both or neither: a pipeline file (path in the repo) and its input collections. */
  only?: { pipeline: string; dataset: string };
  failOnRegression: boolean;
  timeoutMs: number;
  pollMs: number;
  target: BuildTarget;
}

export function graphqlEndpoint(veraUrl: string): string {
  let url: URL;
  try {
    url = new URL(veraUrl);
  } catch {
    throw new InputError(`input 'vera-url' is not a URL: '${veraUrl}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`input 'vera-url' must be http(s), not ${url.protocol}`);
  const base = url.href.replace(/\/+$/, '');
  return base.endsWith('/graphql') ? base : `${base}/graphql`;
}

interface PullRequestPayload {
  number?: number;
  pull_request?: { number?: number; head?: { sha?: string; ref?: string } };
  workflow_run?: { head_sha?: string; head_branch?: string };
}

function readPayload(env: Env): PullRequestPayload {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PullRequestPayload;
  } catch (e) {
    throw new InputError(`cannot read the event payload GITHUB_EVENT_PATH=${file}: ${(e as Error).message}`);
  }
}

/**
 * The commit and ref to build. A pull_request workflow runs on GitHub's merge commit
 * (`refs/pull/N/merge`), which Vera's mirror does not have: the PR's head commit is built as
 * `refs/pull/N/head`, as Vera's pull_request webhook does, so both share one build.
 */
export function buildTarget(env: Env): BuildTarget {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const payload = readPayload(env);
    const pr = payload.pull_request;
    const prNumber = pr?.number ?? payload.number;
    const commit = pr?.head?.sha;
    if (!prNumber || !commit) throw new InputError(`the ${eventName} payload at GITHUB_EVENT_PATH has no pull_request number and head sha`);
    return { commit, ref: `refs/pull/${prNumber}/head`, event: 'pull_request', prNumber, ...(pr?.head?.ref ? { headBranch: pr.head.ref } : {}) };
  }
  if (eventName === 'workflow_run') {
    // GITHUB_SHA is the default branch's head here; the workflow run's own commit is the subject.
    const wr = readPayload(env).workflow_run;
    if (wr?.head_sha && wr.head_branch) return { commit: wr.head_sha, ref: `refs/heads/${wr.head_branch}`, event: 'workflow_run' };
  }
  const commit = env.GITHUB_SHA ?? '';
  const ref = env.GITHUB_REF ?? '';
  if (!commit) throw new InputError('GITHUB_SHA is not set: run this action in a GitHub workflow, or set GITHUB_SHA and GITHUB_REF');
  if (!ref) throw new InputError('GITHUB_REF is not set');
  return { commit, ref, event: VERA_EVENTS.has(eventName) ? eventName : 'api' };
}

export function readConfig(env: Env): ActionConfig {
  const pipeline = getInput(env, 'pipeline');
  const dataset = getInput(env, 'dataset');
  if (Boolean(pipeline) !== Boolean(dataset)) throw new InputError(`give both 'pipeline' and 'dataset', or neither (then the repository's vera.yaml decides)`);
  const repo = getInput(env, 'repo') || (env.GITHUB_REPOSITORY ?? '');
  if (!repo) throw new InputError(`input 'repo' is empty and GITHUB_REPOSITORY is not set`);
  return {
    graphqlUrl: graphqlEndpoint(getInput(env, 'vera-url', { required: true })),
    token: getInput(env, 'token', { required: true }),
    repo,
    ...(pipeline ? { only: { pipeline, dataset } } : {}),
    failOnRegression: getBooleanInput(env, 'fail-on-regression', true),
    timeoutMs: getNumberInput(env, 'timeout-minutes', 60) * 60_000,
    pollMs: getNumberInput(env, 'poll-seconds', 10) * 1000,
    target: buildTarget(env),
  };
}
