import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { createLogger } from '../../server/log.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
let executor: Executor;
beforeAll(() => {
  executor = createLocalExecutor({ threads: 1 });
});
afterAll(() => executor.close());

type Graph = { nodes: { id: string; kind: string; collections: string[]; progress: { total: number; pending: number; succeeded: number } | null }[]; edges: { source: string; target: string; datasetTypes: string[] }[] };
const QUERY = `{ run(name: "u/alice/toy") { taskGraph { nodes { id kind collections progress { total pending succeeded } } edges { source target datasetTypes } } } }`;

describe("a run's task graph", () => {
  it('is whole before anything runs (from the quanta plans), and its progress follows execution', async () => {
    const alice = await makeActor(t.db, 'alice', 'developer');
    await seedToyRaw(t.db, v.vera.datastore, alice, { nVisits: 3, nDetectors: 2 });
    await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: 'u/alice/toy', executor: 'local' }, alice);

    const before = (await v.gql<{ run: { taskGraph: Graph } }>(QUERY)).data!.run.taskGraph;
    const byId = new Map(before.nodes.map((n) => [n.id, n]));
    expect([...byId.keys()].sort()).toEqual(['input:raw', 'output:visitTotal', 'task:scale', 'task:sumVisit']);
    expect(byId.get('input:raw')!.collections).toEqual(['TestCam/raw']);
    expect(byId.get('task:scale')!.progress).toEqual({ total: 6, pending: 6, succeeded: 0 });
    expect(byId.get('task:sumVisit')!.progress).toEqual({ total: 3, pending: 3, succeeded: 0 });
    expect(before.edges).toEqual(
      expect.arrayContaining([
        { source: 'input:raw', target: 'task:scale', datasetTypes: ['raw'] },
        { source: 'task:scale', target: 'task:sumVisit', datasetTypes: ['scaled'] },
        { source: 'task:sumVisit', target: 'output:visitTotal', datasetTypes: ['visitTotal'] },
      ]),
    );
    expect(before.edges).toHaveLength(3);

    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log: createLogger({ logLevel: 'silent' }) }, 'u/alice/toy')).toBe('succeeded');
    const after = (await v.gql<{ run: { taskGraph: Graph } }>(QUERY)).data!.run.taskGraph;
    expect(after.nodes.find((n) => n.id === 'task:scale')!.progress).toEqual({ total: 6, pending: 0, succeeded: 6 });
  });
});
