import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { QUANTUM_RESULTS_PATH } from '../../runner/executors/slurm/protocol.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { findDatasets } from '../../server/repo/index.ts';
import { createRun } from '../../server/runs/create.ts';
import { getRun } from '../../server/runs/queries.ts';
import { makeActor } from '../support/factories.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { squeueElements, useSlurmVera } from '../support/slurm.ts';

/**
 * The Slurm executor on a real single-node cluster (installed and started by
 * scripts/slurm/cluster.sh): job arrays running `vera exec-quantum`, results reported over HTTP
 * with a per-run credential, retries after an element is cancelled, refusals of bad credentials.
 */
const slurmVera = useSlurmVera('vera-slurm-test-', 'default: { cpus: 1, memoryMB: 300 }\npollSeconds: 0.5\ngatherMilliseconds: 100\nmaxRetries: 2\n');
const { work, cluster, t, v } = slurmVera;

// Each test starts on an empty database (useTestDatabase): it seeds its own raws once.
let alice: Awaited<ReturnType<typeof makeActor>> | undefined;
beforeEach(() => {
  alice = undefined;
});
async function toyRun(output: string, gate: string, scale: Record<string, unknown> = {}) {
  if (!alice) {
    alice = await makeActor(t.db, 'alice');
    await seedToyRaw(t.db, v.vera.datastore, alice, { nVisits: 2, nDetectors: 2 });
  }
  await createRun(
    t.db,
    { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output, executor: 'slurm', configOverrides: { scale: { waitForFile: gate, ...scale } } },
    alice,
  );
  await v.vera.runs.start(output);
}

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const x = await f();
    if (x !== undefined) return x;
    await new Promise((r) => setTimeout(r, 200));
    if (!v.vera.runs.activeRuns().length) throw new Error(`no run is executing any more, still waiting for ${what}`);
  }
}

async function quantumLogs(run: string) {
  return queryRows<{ task_label: string; status: string; executor: string; log: string; error: string | null; data_id: { visit: number } }>(
    t.db,
    sql`SELECT q.task_label, q.status, q.executor, q.log, q.error, q.data_id FROM quanta q JOIN collections c ON c.id = q.run_id WHERE c.name = ${run}`,
  );
}

describe('the Slurm executor', () => {
  it('runs a run as job arrays; an element scancelled mid-quantum is resubmitted and the run succeeds', async () => {
    expect(cluster.dir).not.toBe('');
    const gate = path.join(work, 'gate-cancel');
    await toyRun('u/alice/slurm-cancel', gate);
    const slurm = v.vera.runs.slurmExecutor!;
    // The scale quanta wait at the gate, so the element cancelled here has reported nothing.
    const victim = await until('a running element', () => squeueElements(slurm.arraysOf('u/alice/slurm-cancel')).find((e) => e.state === 'RUNNING'));
    execFileSync('scancel', [victim.jobId]);
    await until('the cancelled element to be resubmitted', () => (slurm.arraysOf('u/alice/slurm-cancel').length >= 2 ? true : undefined));
    fs.writeFileSync(gate, '');
    expect(await v.vera.runs.wait('u/alice/slurm-cancel')).toBe('succeeded');

    const rows = await quantumLogs('u/alice/slurm-cancel');
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.status === 'succeeded' && r.executor === 'slurm')).toBe(true);
    const retried = rows.filter((r) => r.log.includes('attempt 2'));
    expect(retried).toHaveLength(1);
    expect(retried[0]!.log).toContain(`Slurm job ${victim.jobId}`);
    expect(retried[0]!.log).toMatch(/ended CANCELLED/);
    const totals = await findDatasets(t.db, { datasetType: 'visitTotal', collections: ['u/alice/slurm-cancel'] });
    const values = await Promise.all(totals.map(async (r) => JSON.parse((await v.vera.datastore.read(r.path, r.checksum)).toString()).value as number));
    // scale doubles 10 * visit + detector; visits 1 and 2 on detectors 0 and 1.
    expect(values.sort((a, b) => a - b)).toEqual([2 * (10 + 11), 2 * (20 + 21)]);
    expect((await getRun(t.db, 'u/alice/slurm-cancel')).status).toBe('succeeded');
  });

  it("refuses a report with a wrong credential, with another run's credential, and one naming files outside the run", async () => {
    const gate = path.join(work, 'gate-credentials');
    await toyRun('u/alice/slurm-a', gate);
    await toyRun('u/alice/slurm-b', gate);
    const slurm = v.vera.runs.slurmExecutor!;
    await until('both runs submitted', () => (slurm.arraysOf('u/alice/slurm-a').length > 0 && slurm.arraysOf('u/alice/slurm-b').length > 0 ? true : undefined));
    // Each run's directory holds its credential and the descriptions of its arrays.
    const dirs = fs.readdirSync(path.join(work, 'jobs')).map((d) => path.join(work, 'jobs', d));
    const byRun = new Map<string, { token: string; quantumId: string; outDir: string }>();
    for (const d of dirs) {
      const desc = JSON.parse(fs.readFileSync(path.join(d, 'array-1.json'), 'utf8'));
      byRun.set(desc.run, { token: fs.readFileSync(path.join(d, 'token'), 'utf8'), quantumId: desc.quanta[0].quantumId, outDir: desc.outDir });
    }
    const a = byRun.get('u/alice/slurm-a')!;
    const b = byRun.get('u/alice/slurm-b')!;
    expect(a.token).not.toBe(b.token);

    const post = async (token: string | undefined, body: unknown) => {
      const res = await fetch(`${slurmVera.http.url}${QUANTUM_RESULTS_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { accepted: boolean; error?: string } };
    };
    const file = path.join(a.outDir, `${a.quantumId}.scaled.forged`);
    fs.writeFileSync(file, '{"value": 999}');
    const good = (over: Record<string, unknown> = {}) => ({
      ok: true,
      run: 'u/alice/slurm-a',
      quantumId: a.quantumId,
      host: 'forger',
      startedAt: Date.now(),
      endedAt: Date.now(),
      peakMemoryBytes: 1,
      timings: { readMs: 0, decodeMs: 0, computeMs: 0, encodeMs: 0 },
      log: '',
      outputs: [{ connection: 'scaled', path: file, sizeBytes: 14, checksum: `sha256:${'0'.repeat(64)}` }],
      ...over,
    });

    expect((await post(undefined, good())).status).toBe(401);
    expect((await post('x'.repeat(43), good())).status).toBe(401);
    const other = await post(b.token, good());
    expect(other.status).toBe(403);
    expect(other.body.error).toMatch(/another run/);
    const outside = await post(a.token, good({ outputs: [{ connection: 'scaled', path: '/etc/passwd', sizeBytes: 1, checksum: `sha256:${'0'.repeat(64)}` }] }));
    expect(outside.status).toBe(400);
    expect(outside.body.error).toMatch(/not a file of this quantum/);
    const badSum = await post(a.token, good());
    expect(badSum.status).toBe(400);
    expect(badSum.body.error).toMatch(/the report says/);
    const notReport = await post(a.token, { ok: true, run: 'u/alice/slurm-a' });
    expect(notReport.status).toBe(400);

    // None of that registered anything: both runs finish on their own jobs' results.
    fs.writeFileSync(gate, '');
    expect(await v.vera.runs.wait('u/alice/slurm-a')).toBe('succeeded');
    expect(await v.vera.runs.wait('u/alice/slurm-b')).toBe('succeeded');
    const logs = await quantumLogs('u/alice/slurm-a');
    expect(logs.every((r) => r.status === 'succeeded')).toBe(true);
    const totals = await findDatasets(t.db, { datasetType: 'visitTotal', collections: ['u/alice/slurm-a'] });
    const values = await Promise.all(totals.map(async (r) => JSON.parse((await v.vera.datastore.read(r.path, r.checksum)).toString()).value as number));
    expect(values.sort((x, y) => x - y)).toEqual([42, 82]);
    // The run's credential is gone with its execution.
    expect((await post(a.token, good())).status).toBe(401);
  });

  it('runs an approved campaign on Slurm: requested by a developer, approved by an operator, progress and cost read back', async () => {
    const carol = await v.user('carol', 'developer');
    const olga = await v.user('olga', 'operator');
    await seedToyRaw(t.db, v.vera.datastore, olga.actor, { nVisits: 2, nDetectors: 2 });
    const requested = await v.gql<{ requestCampaign: { campaign: { executor: string; estimate: { quanta: number } } } }>(
      `mutation($input: CampaignRequestInput!) { requestCampaign(input: $input) { campaign { executor estimate { quanta } } } }`,
      { input: { name: 'toy-slurm', pipelineFile: TOY_PIPELINE, inputs: ['TestCam/raw'], chunks: ['visit = 1', 'visit = 2'] } },
      carol.token,
    );
    expect(requested.errors).toBeUndefined();
    expect(requested.data!.requestCampaign.campaign).toEqual({ executor: 'slurm', estimate: { quanta: 6 } });
    const approved = await v.gql<{ approveCampaign: { runs: { run: string }[] } }>(`mutation { approveCampaign(name: "toy-slurm") { runs { run } } }`, {}, olga.token);
    expect(approved.errors).toBeUndefined();
    const runs = approved.data!.approveCampaign.runs.map((r) => r.run);
    expect(runs).toEqual(['u/carol/campaigns/toy-slurm/0', 'u/carol/campaigns/toy-slurm/1']);
    for (const r of runs) expect((await v.vera.runs.wait(r)) ?? (await getRun(t.db, r)).status).toBe('succeeded');

    const shown = await v.gql<{ campaign: { state: string; progress: { succeeded: number; coreHours: number; bytes: number } } }>(
      `{ campaign(name: "toy-slurm") { state progress { succeeded coreHours bytes } } }`,
    );
    expect(shown.data!.campaign.state).toBe('SUCCEEDED');
    expect(shown.data!.campaign.progress.succeeded).toBe(6);
    expect(shown.data!.campaign.progress.coreHours).toBeGreaterThan(0);
    expect(shown.data!.campaign.progress.bytes).toBeGreaterThan(0);
    for (const r of runs) expect((await quantumLogs(r)).every((q) => q.status === 'succeeded' && q.executor === 'slurm')).toBe(true);
  });

  it('does not retry a quantum whose task failed (exit 10 is in retryUnlessExit): the run fails with the task\'s error', async () => {
    const gate = path.join(work, 'gate-fail');
    fs.writeFileSync(gate, '');
    await toyRun('u/alice/slurm-fail', gate, { failOnVisit: 1 });
    expect(await v.vera.runs.wait('u/alice/slurm-fail')).toBe('failed');
    const rows = await quantumLogs('u/alice/slurm-fail');
    const failed = rows.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.data_id.visit)).toEqual([1, 1]);
    for (const r of failed) {
      expect(r.error).toContain('refusing visit 1 as configured');
      expect(r.error).toContain('exit 10');
      expect(r.error).not.toContain('attempt 2');
    }
    expect(rows.filter((r) => r.status === 'succeeded').map((r) => `${r.task_label} ${r.data_id.visit}`).sort()).toEqual(['scale 2', 'scale 2', 'sumVisit 2']);
    expect(rows.find((r) => r.task_label === 'sumVisit' && r.data_id.visit === 1)!.status).toBe('blocked');
  });
});
