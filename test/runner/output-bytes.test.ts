import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { createLogger } from '../../server/log.ts';
import { findDatasets } from '../../server/repo/index.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { generateSimCam, SIMCAM } from '../../server/simcam/generate.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { PROJECT_ROOT } from '../support/git-repo.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * The runner's bookkeeping (dispatch, batching, file staging, registration) must never change a
 * byte of what a run writes. The checksums in test/fixtures/runner/output-checksums.json were
 * produced by the runner before its registration path was reworked for speed (issue 21), with
 * `VERA_WRITE_OUTPUT_CHECKSUMS=1 npx vitest run test/runner/output-bytes.test.ts` (recorded again
 * when the deblender changed the science: server/repo/register.ts, server/repo/datastore/datastore.ts
 * and server/runs/execute.ts as before commit e9c074f, with today's pipelines); every output
 * of the same runs must still have them, and the files on disk must match the registry.
 */
const FIXTURE = path.join(PROJECT_ROOT, 'test/fixtures/runner/output-checksums.json');
const t = useTestDatabase();
const v = useTestVera(t);
const log = createLogger({ logLevel: 'silent' });
let executor: Executor;
beforeAll(() => {
  executor = createLocalExecutor({ threads: 2 });
});
afterAll(() => executor.close());

async function checksumsOf(run: string, datasetTypes: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const datasetType of datasetTypes) {
    for (const ref of await findDatasets(t.db, { datasetType, collections: [run] })) {
      // read() verifies the file's bytes against the registered checksum.
      await v.vera.datastore.read(ref.path, ref.checksum);
      out[`${datasetType} ${JSON.stringify(ref.dataId)}`] = ref.checksum;
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Compares one run's checksums with the fixture's `part`; in writing mode records them there instead. */
function expectRecorded(part: 'toy' | 'sfm', actual: Record<string, string>): void {
  const recorded = fs.existsSync(FIXTURE) ? (JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Record<string, Record<string, string>>) : {};
  if (process.env.VERA_WRITE_OUTPUT_CHECKSUMS === '1') fs.writeFileSync(FIXTURE, `${JSON.stringify({ ...recorded, [part]: actual }, null, 2)}\n`);
  else expect(actual).toEqual(recorded[part]);
}

describe('outputs of a run are byte-identical to the runner before issue 21', () => {
  it('toy pipeline (scale and sumVisit, intermediates kept): every output has its recorded checksum', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 4, nDetectors: 3 });
    await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: 'u/op/toy', executor: 'local', saveIntermediates: true }, op);
    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/op/toy')).toBe('succeeded');
    const actual = await checksumsOf('u/op/toy', ['scaled', 'visitTotal']);
    expect(Object.keys(actual)).toHaveLength(12 + 4);
    expectRecorded('toy', actual);
  });

  it('SimCam isr + characterizeImage + calibrate on two detectors: every output has its recorded checksum', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    await generateSimCam(t.db, v.vera.datastore, { nVisits: 1, bands: ['r'], detectorGrid: [2, 1] }, op);
    const drp = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'pipelines/drp.yaml'), 'utf8')) as { tasks: Record<string, unknown> };
    const tasks = Object.fromEntries(['isr', 'characterizeImage', 'calibrate'].map((label) => [label, drp.tasks[label]]));
    // Named as if it lay next to drp.yaml, so its relative task classes resolve there.
    const pipelineFile = path.join(PROJECT_ROOT, 'pipelines', 'single-frame.yaml');
    await createRun(t.db, { pipelineFile, pipelineYaml: stringify({ description: 'single frame', tasks }), inputs: [SIMCAM.defaults], output: 'u/op/sfm', executor: 'local', saveIntermediates: true }, op);
    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/op/sfm')).toBe('succeeded');
    const actual = await checksumsOf('u/op/sfm', ['postISRCCD', 'icExp', 'icSrc', 'calexp', 'src']);
    expect(Object.keys(actual)).toHaveLength(2 * 5);
    expectRecorded('sfm', actual);
  }, 120_000);
});
