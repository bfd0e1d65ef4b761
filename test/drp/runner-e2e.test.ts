import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { createLogger } from '../../server/log.ts';
import { ingestRunMeasurements } from '../../server/metrics/ingest.ts';
import { findDatasets } from '../../server/repo/index.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { createRerun } from '../../server/runs/rerun.ts';
import { generateSimCam, SIMCAM } from '../../server/simcam/generate.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { PROJECT_ROOT } from '../support/git-repo.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
let executor: Executor;
beforeAll(() => {
  executor = createLocalExecutor({ threads: 2 });
});
afterAll(() => executor.close());

const DRP = path.join(PROJECT_ROOT, 'pipelines/drp.yaml');
const log = createLogger({ logLevel: 'silent' });

async function metric(run: string, name: string): Promise<number[]> {
  const rows = await queryRows<{ value: number }>(
    t.db,
    sql`SELECT m.value FROM measurements m JOIN collections c ON c.id = m.run_id WHERE c.name = ${run} AND m.metric_name = ${name} AND m.value IS NOT NULL`,
  );
  return rows.map((r) => r.value);
}

describe('the DRP pipeline through the runner', () => {
  it('processes SimCam end to end: calexps, coadds, measurements; the experimental flat worsens the zero-point scatter; a calexp rebuilds byte for byte', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    // Small but real: two r-band visits on one 512x512 detector.
    await generateSimCam(t.db, v.vera.datastore, { nVisits: 2, bands: ['r'], detectorGrid: [2, 1] }, op);
    const drp = (await import('node:fs')).readFileSync(DRP, 'utf8');
    for (const [output, inputs] of [
      ['u/op/prod', SIMCAM.defaults],
      ['u/op/exp', SIMCAM.defaultsExpFlat],
    ] as const) {
      await createRun(t.db, { pipelineFile: DRP, pipelineYaml: drp, inputs: [inputs], output, executor: 'local' }, op);
      expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, output)).toBe('succeeded');
      expect((await ingestRunMeasurements(t.db, v.vera.datastore, output)).skipped).toEqual([]);
    }
    expect(await findDatasets(t.db, { datasetType: 'calexp', collections: ['u/op/prod'] })).toHaveLength(4);
    expect((await findDatasets(t.db, { datasetType: 'deepCoadd', collections: ['u/op/prod'] })).length).toBeGreaterThan(0);

    const completeness = await metric('u/op/prod', 'simcam_drp.Completeness');
    expect(completeness.length).toBe(4);
    expect(Math.min(...completeness)).toBeGreaterThan(90);
    const [zpProd] = await metric('u/op/prod', 'simcam_drp.ZeroPointScatter');
    const [zpExp] = await metric('u/op/exp', 'simcam_drp.ZeroPointScatter');
    expect(zpExp!).toBeGreaterThan(2 * zpProd!);

    const [calexp] = await findDatasets(t.db, { datasetType: 'calexp', collections: ['u/op/prod'] });
    await createRerun(t.db, { datasetId: calexp!.id, output: 'u/op/rebuilt' }, op);
    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/op/rebuilt')).toBe('succeeded');
    const [again] = await findDatasets(t.db, { datasetType: 'calexp', collections: ['u/op/rebuilt'] });
    expect(again!.dataId).toEqual(calexp!.dataId);
    expect(again!.checksum).toBe(calexp!.checksum);
  });
});
