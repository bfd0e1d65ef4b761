import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import { rawAndTruthValues } from '../../pipelines/simcam/datasets.ts';
import { defineSimCam } from '../../pipelines/simcam/index.ts';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { createLogger } from '../../server/log.ts';
import { findCollection, findDatasets, setChain } from '../../server/repo/index.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { generateSimCam, SIMCAM } from '../../server/simcam/generate.ts';
import { cliEnv, prepareCliHome, runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { ensureDebianBinary } from '../support/debian.ts';
import { DRP, singleFrameDrp } from '../support/drp.ts';
import { makeActor } from '../support/factories.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
let executor: Executor;
let fitscopy: string;
let scratch: string;
beforeAll(() => {
  executor = createLocalExecutor({ threads: 2 });
  fitscopy = ensureDebianBinary('fitscopy', 'libcfitsio-bin');
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-ingest-raws-'));
}, 600_000); // a fresh machine installs the Debian package first
afterAll(async () => {
  await executor.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const log = createLogger({ logLevel: 'silent' });
const INGEST = 'mutation($i: String!, $r: String, $f: [RawFileInput!]!) { ingestRaws(instrument: $i, run: $r, files: $f) { run ingested visits detectors newVisits newDetectors } }';

/**
 * Rewrites a raw with cfitsio's fitscopy as a 32-bit integer image (pixel filter `[pixj X]`):
 * another writer's header (its own comments, a HISTORY card) and data type for the same ADU
 * values. A plain `fitscopy in out` reproduces Vera's bytes exactly, so would prove nothing.
 */
function rewrite(bytes: Uint8Array, name: string): string {
  const src = path.join(scratch, `vera-${name}`);
  const out = path.join(scratch, name);
  fs.writeFileSync(src, bytes);
  fs.rmSync(out, { force: true });
  const r = spawnSync(fitscopy, [`${src}[pixj X]`, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fitscopy failed: ${r.stdout}${r.stderr}`);
  return out;
}

function fileInput(file: string, name = path.basename(file)) {
  return { name, contentBase64: fs.readFileSync(file).toString('base64') };
}

describe('ingest-raws', () => {
  it('SimCam raws rewritten by fitscopy, ingested, give the same calexps through the DRP as the generated repository', { timeout: 600_000 }, async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    const { token } = await v.user('operator1', 'operator');
    await generateSimCam(t.db, v.vera.datastore, { nVisits: 2, bands: ['r'], detectorGrid: [2, 1] }, op);
    const generated = await findDatasets(t.db, { datasetType: 'raw', collections: [SIMCAM.raw] });
    expect(generated).toHaveLength(4);
    const files = await Promise.all(
      generated.map(async (d) => rewrite(await v.vera.datastore.read(d.path, d.checksum), `raw-${d.dataId.visit}-${d.dataId.detector}.fits`)),
    );
    // Really another writer's bytes: cfitsio rewrites every raw.
    for (const [i, f] of files.entries()) expect(Buffer.compare(fs.readFileSync(f), await v.vera.datastore.read(generated[i]!.path, generated[i]!.checksum))).not.toBe(0);

    const res = await v.gql<{ ingestRaws: Record<string, unknown> }>(INGEST, { i: 'SimCam', r: 'SimCam/raw/fitscopy', f: files.map((f) => fileInput(f)) }, token);
    expect(res.errors).toBeUndefined();
    // The headers give the very records generate wrote: nothing new, nothing in conflict.
    expect(res.data!.ingestRaws).toEqual({
      run: 'SimCam/raw/fitscopy',
      ingested: 4,
      visits: [...new Set(generated.map((d) => Number(d.dataId.visit)))].sort((a, b) => a - b),
      detectors: [0, 1],
      newVisits: 0,
      newDetectors: 0,
    });

    await setChain(t.db, 'SimCam/defaults-fitscopy', ['SimCam/raw/fitscopy', SIMCAM.calibProd, SIMCAM.refcats, SIMCAM.truth], op);
    // The DRP's single-frame processing, which makes the calexps compared; what comes after it
    // (coadds, forced photometry, metrics) reads calexps and cannot change them.
    const drp = singleFrameDrp();
    for (const [output, inputs] of [
      ['u/op/generated', SIMCAM.defaults],
      ['u/op/ingested', 'SimCam/defaults-fitscopy'],
    ] as const) {
      await createRun(t.db, { pipelineFile: DRP, pipelineYaml: drp, inputs: [inputs], output, executor: 'local' }, op);
      expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, output)).toBe('succeeded');
    }
    const calexps = async (run: string) =>
      Object.fromEntries((await findDatasets(t.db, { datasetType: 'calexp', collections: [run] })).map((d) => [`${d.dataId.visit}/${d.dataId.detector}`, d.checksum]));
    const fromGenerated = await calexps('u/op/generated');
    expect(Object.keys(fromGenerated)).toHaveLength(4);
    expect(await calexps('u/op/ingested')).toEqual(fromGenerated);
  });

  it('refuses every bad file, each named with its problem, and registers nothing', async () => {
    const { token } = await v.user('operator2', 'operator');
    const sim = defineSimCam({ nVisits: 1, bands: ['g'], detectorGrid: [1, 1], detectorSizePx: 64, seed: 7 });
    const visit = sim.visits[0]!.id;
    const good = await codecFor('Image').encode(rawAndTruthValues(sim, visit, 0).raw);
    const goodFile = rewrite(good, 'good.fits');
    const text = Buffer.from(good).toString('latin1');
    const otherCamera = Buffer.from(text.replace("INSTRUME= 'SimCam  '", "INSTRUME= 'HSC     '"), 'latin1');
    const noExpid = Buffer.from(text.replace(/EXPID {3}= /, 'EXPIDX  = '), 'latin1');
    const res = await v.gql(
      INGEST,
      {
        i: 'SimCam',
        r: 'SimCam/raw/bad-batch',
        f: [
          fileInput(goodFile),
          { name: 'truncated.fits', contentBase64: Buffer.from(good.subarray(0, good.length - 2880)).toString('base64') },
          { name: 'hsc.fits', contentBase64: otherCamera.toString('base64') },
          { name: 'noexpid.fits', contentBase64: noExpid.toString('base64') },
          fileInput(goodFile, 'again.fits'),
        ],
      },
      token,
    );
    expect(res.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
    const message = res.errors![0]!.message;
    expect(message).toMatch(/^4 of 5 raw file\(s\) cannot be ingested; nothing was ingested/);
    expect(message).toMatch(/truncated\.fits: HDU 0: FITS data runs past the end of the file/);
    expect(message).toMatch(/hsc\.fits: INSTRUME is 'HSC', not SimCam/);
    expect(message).toMatch(/noexpid\.fits: header keyword EXPID \(visit id\) is missing/);
    expect(message).toMatch(new RegExp(`again\\.fits: visit ${visit} detector 0 is also in good\\.fits`));
    expect(await findCollection(t.db, 'SimCam/raw/bad-batch')).toBeUndefined();

    const viewer = await v.user('viewer1', 'developer');
    const denied = await v.gql(INGEST, { i: 'SimCam', f: [fileInput(goodFile)] }, viewer.token);
    expect(denied.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('`vera ingest-raws DIR` creates the records a new repository lacks, from the headers', async () => {
    const sim = defineSimCam({ nVisits: 2, bands: ['i'], detectorGrid: [2, 1], detectorSizePx: 64, seed: 3 });
    const dir = path.join(scratch, 'cli-raws');
    fs.mkdirSync(dir);
    for (const visit of sim.visits) {
      for (const det of sim.detectors) {
        const bytes = await codecFor('Image').encode(rawAndTruthValues(sim, visit.id, det.id).raw);
        fs.renameSync(rewrite(bytes, `cli-${visit.id}-${det.id}.fits`), path.join(dir, `${visit.id}-${det.id}.fits`));
      }
    }
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a raw; not a .fits name, so not sent');
    // A new repository: migrated, no rows.
    const home = path.join(scratch, 'cli-home');
    await prepareCliHome(home, undefined);
    const r = await runCli(['ingest-raws', dir, '--instrument', 'SimCam', '--json'], cliEnv(home, undefined));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      run: 'SimCam/raw/all',
      ingested: 4,
      visits: sim.visits.map((x) => x.id),
      detectors: [0, 1],
      newVisits: 2,
      newDetectors: 2,
    });
    const again = await runCli(['ingest-raws', path.join(dir, `${sim.visits[0]!.id}-0.fits`), '--instrument', 'SimCam'], cliEnv(home, undefined));
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/already/);
  });
});
