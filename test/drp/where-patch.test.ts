import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { createLogger } from '../../server/log.ts';
import { findDatasets, queryDimensionRecords } from '../../server/repo/index.ts';
import { polygonsOverlap, type Polygon } from '../../server/repo/regions.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { generateSimCam, SIMCAM } from '../../server/simcam/generate.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { PROJECT_ROOT } from '../support/git-repo.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * Graph pruning: a run restricted to one patch processes only the detector-visits whose region
 * overlaps it (not every detector of each overlapping visit), and makes the same coadd, catalog
 * and depth for that patch as the unrestricted run.
 */
const t = useTestDatabase();
const v = useTestVera(t);
let executor: Executor;
beforeAll(() => {
  executor = createLocalExecutor({ threads: 2 });
});
afterAll(() => executor.close());

const DRP = path.join(PROJECT_ROOT, 'pipelines/drp.yaml');
const log = createLogger({ logLevel: 'silent' });
const PATCH_OUTPUTS = ['deepCoadd', 'deepCoadd_det', 'metricvalue_simcam_drp_CoaddDepth'];

async function quanta(run: string): Promise<{ taskLabel: string; dataId: Record<string, string | number> }[]> {
  return queryRows(t.db, sql`SELECT q.task_label AS "taskLabel", q.data_id AS "dataId" FROM quanta q JOIN collections c ON c.id = q.run_id WHERE c.name = ${run}`);
}

async function checksums(run: string, patch: number): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const datasetType of PATCH_OUTPUTS) {
    const refs = await findDatasets(t.db, { datasetType, collections: [run] });
    out[datasetType] = refs.filter((r) => r.dataId.patch === patch).map((r) => r.checksum!).sort();
  }
  return out;
}

describe('a where on a patch', () => {
  it('processes only the detectors that overlap the patch, and gives the patch the outputs of the unrestricted run', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    // Small: two r-band visits on a 2x2 mosaic of 256-pixel detectors, a 3x3 patch grid.
    await generateSimCam(t.db, v.vera.datastore, { nVisits: 2, bands: ['r'], detectorGrid: [2, 2], detectorSizePx: 256, detectorGapPx: 20, patchesPerSide: 3, nStars: 600, nGalaxies: 100, nTransients: 0, nVariables: 0 }, op);

    // The patch touched by the fewest detector-visits (a corner), from the regions SimCam recorded.
    const visits = await queryDimensionRecords(t.db, 'visit');
    const patches = await queryDimensionRecords(t.db, 'patch');
    const touching = patches.map((p) => {
      const pairs: string[] = [];
      let visitsOverlapping = 0;
      for (const vis of visits) {
        if (!polygonsOverlap(vis.region as Polygon, p.region as Polygon)) continue;
        visitsOverlapping++;
        for (const [detector, region] of Object.entries((vis.extra as { detectorRegions: Record<string, Polygon> }).detectorRegions)) {
          if (polygonsOverlap(region, p.region as Polygon)) pairs.push(`${vis.id as number}/${detector}`);
        }
      }
      return { patch: p.id as number, pairs: pairs.sort(), visitsOverlapping };
    });
    const corner = touching.filter((c) => c.pairs.length > 0).sort((a, b) => a.pairs.length - b.pairs.length)[0]!;
    // Every detector of each overlapping visit is what a visit-level overlap would process.
    expect(corner.pairs.length).toBeLessThan(corner.visitsOverlapping * 4);

    const drp = fs.readFileSync(DRP, 'utf8');
    const runAll = 'u/op/all';
    const runPatch = 'u/op/patch';
    await createRun(t.db, { pipelineFile: DRP, pipelineYaml: drp, inputs: [SIMCAM.defaults], output: runAll, executor: 'local' }, op);
    await createRun(t.db, { pipelineFile: DRP, pipelineYaml: drp, inputs: [SIMCAM.defaults], output: runPatch, executor: 'local', where: `patch = ${corner.patch}` }, op);

    const all = await quanta(runAll);
    const restricted = await quanta(runPatch);
    const detectorVisits = (qs: typeof all) => qs.filter((q) => q.taskLabel === 'isr').map((q) => `${q.dataId.visit}/${q.dataId.detector}`).sort();
    expect(detectorVisits(all)).toHaveLength(visits.length * 4);
    expect(detectorVisits(restricted)).toEqual(corner.pairs);
    expect(restricted.length).toBeLessThan(all.length);
    expect(new Set(restricted.filter((q) => q.dataId.patch !== undefined).map((q) => q.dataId.patch))).toEqual(new Set([corner.patch]));

    for (const run of [runAll, runPatch]) expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, run)).toBe('succeeded');
    const expected = await checksums(runAll, corner.patch);
    for (const type of PATCH_OUTPUTS) expect(expected[type], type).toHaveLength(1);
    expect(await checksums(runPatch, corner.patch)).toEqual(expected);
  });
});
