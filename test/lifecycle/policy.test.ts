import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { systemActor } from '../../server/auth/index.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { findDatasets } from '../../server/repo/index.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { getRun } from '../../server/runs/queries.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
const log = createLogger({ logLevel: 'silent' });
let executor: Executor;
beforeAll(() => {
  executor = createLocalExecutor({ threads: 2 });
});
afterAll(async () => {
  await executor.close();
});

const DAY = 86_400_000;
const SUBMIT = `mutation($output: String!, $purpose: RunPurpose, $expiresAt: DateTime) {
  submitRun(pipelineFile: "test/fixtures/pipelines/toy.yaml", inputs: ["TestCam/raw"], output: $output, where: "visit = 1", purpose: $purpose, expiresAt: $expiresAt) {
    run { name purpose expiresAt }
  } }`;

async function seed() {
  const admin = await makeActor(t.db, 'root', 'admin');
  await seedToyRaw(t.db, v.vera.datastore, admin);
}

describe('run purposes', () => {
  it('refuses ci and operator purposes to a developer, with the purpose and role in the error', async () => {
    await seed();
    const { token } = await v.user('dora', 'developer');
    const ci = await v.gql(SUBMIT, { output: 'u/dora/a', purpose: 'ci' }, token);
    expect(ci.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(ci.errors?.[0]?.message).toContain("run purpose 'ci' is for Vera CI's own builds");
    expect(ci.errors?.[0]?.message).toContain("user 'dora' is developer");
    const op = await v.gql(SUBMIT, { output: 'u/dora/b', purpose: 'operator' }, token);
    expect(op.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(op.errors?.[0]?.message).toContain("run purpose 'operator' needs role operator");
    // Nothing was made for the refused submissions.
    const collections = await v.gql<{ collections: { name: string }[] }>(`{ collections(pattern: "u/dora/*") { name } }`);
    expect(collections.data!.collections).toEqual([]);
    const dev = await v.gql<{ submitRun: { run: { purpose: string } } }>(SUBMIT, { output: 'u/dora/c', purpose: 'developer' }, token);
    expect(dev.errors).toBeUndefined();
    expect(dev.data!.submitRun.run.purpose).toBe('developer');
  });

  it('lets an operator label a run operator, and only CI\'s own user or an admin label one ci', async () => {
    await seed();
    const { token: opToken } = await v.user('olga', 'operator');
    const op = await v.gql<{ submitRun: { run: { purpose: string } } }>(SUBMIT, { output: 'u/olga/a', purpose: 'operator' }, opToken);
    expect(op.errors).toBeUndefined();
    expect(op.data!.submitRun.run.purpose).toBe('operator');
    const opCi = await v.gql(SUBMIT, { output: 'u/olga/b', purpose: 'ci' }, opToken);
    expect(opCi.errors?.[0]?.extensions.code).toBe('FORBIDDEN');

    const ci = await systemActor(t.db);
    const made = await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: 'ci/x/1', where: 'visit = 1', executor: 'local', purpose: 'ci' }, ci);
    expect(made.run.purpose).toBe('ci');
  });
});

describe('run expiry', () => {
  it('gives every run an expiry by purpose, and refuses a date in the past', async () => {
    await seed();
    const { token } = await v.user('dora', 'developer');
    const before = Date.now();
    const dev = await v.gql<{ submitRun: { run: { expiresAt: string } } }>(SUBMIT, { output: 'u/dora/a' }, token);
    expect(dev.errors).toBeUndefined();
    const expires = new Date(dev.data!.submitRun.run.expiresAt).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 28 * DAY);
    expect(expires).toBeLessThanOrEqual(Date.now() + 28 * DAY);

    const past = await v.gql(SUBMIT, { output: 'u/dora/b', expiresAt: '2020-01-01T00:00:00Z' }, token);
    expect(past.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
    expect(past.errors?.[0]?.message).toContain('expiresAt 2020-01-01T00:00:00.000Z is not in the future');
    const none = await v.gql<{ run: unknown }>(`{ run(name: "u/dora/b") { name } }`);
    expect(none.data?.run ?? null).toBeNull();

    const asked = new Date(Date.now() + 3 * DAY).toISOString();
    const chosen = await v.gql<{ submitRun: { run: { expiresAt: string } } }>(SUBMIT, { output: 'u/dora/c', expiresAt: asked }, token);
    expect(new Date(chosen.data!.submitRun.run.expiresAt).toISOString()).toBe(asked);

    const ci = await systemActor(t.db);
    const made = await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: 'ci/x/1', where: 'visit = 1', executor: 'local', purpose: 'ci', lifetimes: loadConfig({ VERA_RUN_LIFETIME_DAYS: 'ci=7' }).runLifetimes }, ci);
    expect(made.run.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 7 * DAY);
    expect(made.run.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 6 * DAY);
    // The submitted runs execute in the background: they end here, not while the next test
    // truncates the tables they register into (a deadlock on PostgreSQL).
    for (const name of ['u/dora/a', 'u/dora/c']) {
      await v.vera.runs.wait(name); // undefined once it has ended
      expect((await getRun(t.db, name)).status).toBe('succeeded');
    }
  });

  it('refuses a malformed VERA_RUN_LIFETIME_DAYS naming the bad part', () => {
    expect(() => loadConfig({ VERA_RUN_LIFETIME_DAYS: 'developer=28,nightly=3' })).toThrow(/'nightly=3' is not <purpose>=<days>/);
    expect(loadConfig({ VERA_RUN_LIFETIME_DAYS: 'developer=2' }).runLifetimes).toMatchObject({ developer: 2, ci: 90 });
  });
});

describe('intermediates that were not persisted', () => {
  it('are not listed, and a run that would read them is refused when planned instead of failing later', async () => {
    const alice = await makeActor(t.db, 'alice', 'developer');
    await seedToyRaw(t.db, v.vera.datastore, alice);
    await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: 'u/alice/toy', where: 'visit = 1', executor: 'local' }, alice);
    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/alice/toy')).toBe('succeeded');

    // The rows stay for provenance (rerun walks them), their files are gone.
    const all = await findDatasets(t.db, { datasetType: 'scaled', collections: ['u/alice/toy'], includeUnstored: true });
    expect(all).toHaveLength(2);
    for (const d of all) expect(v.vera.datastore.exists(d.path)).toBe(false);
    const listed = await v.gql<{ datasets: unknown[] }>(`{ datasets(datasetType: "scaled", collections: ["u/alice/toy"]) { id } }`);
    expect(listed.data!.datasets).toEqual([]);
    expect((await v.gql<{ datasets: unknown[] }>(`{ datasets(datasetType: "visitTotal", collections: ["u/alice/toy"]) { id } }`)).data!.datasets).toHaveLength(1);

    const sumOnly = toyPipelineText().replace(/ {2}scale:[\s\S]*?(?= {2}sumVisit:)/, '');
    await expect(createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: sumOnly, inputs: ['u/alice/toy'], output: 'u/alice/sums', executor: 'local' }, alice)).rejects.toThrow(
      /dataset type 'scaled' is produced by no task of the pipeline and found in none of the input collections/,
    );
  });
});
