import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { createLogger } from '../../server/log.ts';
import { findDatasets } from '../../server/repo/index.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { getRun } from '../../server/runs/queries.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * Registration batches while quanta wait to run: a stream of big quanta that finish one at a time
 * on a busy worker is registered several per transaction, not one each.
 */
const statements: string[] = [];
const t = useTestDatabase({ logger: { logQuery: (query) => statements.push(query) } });
const v = useTestVera(t);
let executor: Executor;
beforeAll(() => {
  executor = createLocalExecutor({ threads: 1 });
});
afterAll(async () => {
  await executor.close();
});

describe('registering finished quanta while others are ready', () => {
  it('shares one transaction among several quanta that finished apart, and every quantum is registered', async () => {
    const alice = await makeActor(t.db);
    await seedToyRaw(t.db, v.vera.datastore, alice, { nVisits: 6, nDetectors: 2 });
    // 12 scale quanta of 40 ms of CPU each on one worker, then 6 sums: they finish apart from one
    // another, each alone unless registration waits for the next.
    await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: 'u/alice/linger', executor: 'local', configOverrides: { scale: { sleepMs: 40 } } }, alice);
    statements.length = 0;
    const status = await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log: createLogger({ logLevel: 'silent' }) }, 'u/alice/linger');
    expect(status).toBe('succeeded');

    const info = await getRun(t.db, 'u/alice/linger');
    expect(info.progress).toMatchObject({ total: 18, succeeded: 18 });
    expect(await findDatasets(t.db, { datasetType: 'visitTotal', collections: ['u/alice/linger'] })).toHaveLength(6);
    // One insert into quanta per registration transaction: registered one by one there would be 18.
    const transactions = statements.filter((s) => /^insert into "quanta"/i.test(s)).length;
    expect(transactions).toBeGreaterThan(0);
    expect(transactions).toBeLessThanOrEqual(9);
  });
});
