import { requestBuild, type BuildState } from './builds.ts';
import { readConfig } from './config.ts';
import { stepSummary, verdict } from './report.ts';
import type { Env, Step } from './toolkit.ts';
import { VeraClient } from './vera-client.ts';
import { watchBuild } from './watch.ts';

function setOutputs(step: Step, build: BuildState, status: string): void {
  step.setOutput('build-id', build.id);
  step.setOutput('status', status);
  step.setOutput('regressions', build.regressions ?? '');
  step.setOutput('runs', JSON.stringify(build.runs.map((r) => r.name)));
}

/**
 * The action: asks Vera to build this workflow's commit, follows the build in the log, writes
 * the comparison to the step summary, sets the outputs, and returns the exit code: 1 on a failed
 * or errored build, a timeout, or (with fail-on-regression) a regression.
 */
export async function runAction(env: Env, step: Step): Promise<number> {
  const started = Date.now();
  const config = readConfig(env);
  step.mask(config.token);
  const { target } = config;
  const client = new VeraClient({ url: config.graphqlUrl, token: config.token, log: (line) => step.info(line) });

  const what = config.only ? `${config.only.pipeline} on ${config.only.dataset}` : 'the runs its vera.yaml lists';
  step.info(`Asking Vera (${config.graphqlUrl}) to build ${config.repo} at ${target.commit.slice(0, 10)} on ${target.ref} (${target.event}${target.prNumber ? ` #${target.prNumber}` : ''}): ${what}`);
  const requested = await requestBuild(client, config);
  step.setOutput('build-id', requested.id);
  step.info(`Vera build ${requested.id}: ${requested.status}, ${requested.runs.length} run${requested.runs.length === 1 ? '' : 's'}`);

  const { build, timedOut, failures, orphaned } = await watchBuild(client, step, requested, { pollMs: config.pollMs, deadline: started + config.timeoutMs });
  const v = verdict(build, { failOnRegression: config.failOnRegression, timedOut, timeoutMs: config.timeoutMs, failures, orphaned });
  step.appendSummary(stepSummary(build, config, v, failures));
  setOutputs(step, build, v.status);
  for (const w of v.warnings) step.warning(w, { title: 'Vera' });
  for (const e of v.errors) step.error(e, { title: 'Vera' });
  step.info(v.ok ? `Vera build ${build.id} ${build.status}${v.warnings.length ? ' (with warnings)' : ''}.` : `Vera build ${build.id}: failing this step.`);
  return v.ok ? 0 : 1;
}
