import type { DataId, InputDataset, Task, TaskContext, TaskInputs } from '../../pipelines/framework/task.ts';
import type { CatalogValue, ExposureValue, ImageValue, MeasurementValue } from '../../pipelines/framework/values.ts';
import { assembleCoadd } from '../../pipelines/drp/assembleCoadd.ts';
import { calibrate } from '../../pipelines/drp/calibrate.ts';
import { characterizeImage } from '../../pipelines/drp/characterizeImage.ts';
import { detectCoadd } from '../../pipelines/drp/detectCoadd.ts';
import { forcedPhot } from '../../pipelines/drp/forcedPhot.ts';
import { isr } from '../../pipelines/drp/isr.ts';
import { makeWarp } from '../../pipelines/drp/makeWarp.ts';
import { SIMCAM_SKYMAP_DEFINITION } from '../../pipelines/drp/lib/skymap.ts';
import { biasValue, flatValue, rawAndTruthValues, refcatValue } from '../../pipelines/simcam/datasets.ts';
import type { FlatVariant, SimCam } from '../../pipelines/simcam/index.ts';
import { SKYMAP_NAME } from '../../pipelines/simcam/index.ts';

/**
 * Runs DRP tasks by hand, as the runner would: inputs by connection name with data IDs, configs
 * through each task's schema (defaults plus overrides), a deterministic context.
 */

export function context(dataId: DataId, seed = 1): TaskContext {
  return { dataId, seed, outputDataIds: {}, log: () => {} };
}

export async function runTask<C>(task: Task<C>, inputs: Record<string, InputDataset | InputDataset[]>, dataId: DataId, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const config = task.config.parse(overrides);
  return task.run(inputs as TaskInputs, config, context(dataId));
}

export interface Frame {
  visit: number;
  detector: number;
  band: string;
  truth: CatalogValue;
  calexp: ExposureValue;
  src: CatalogValue;
}

export function visitDataId(sim: SimCam, visitId: number, detector?: number): DataId {
  const v = sim.visits.find((x) => x.id === visitId)!;
  const id: Record<string, string | number> = { instrument: 'SimCam', visit: visitId, physical_filter: v.physicalFilter, band: v.extra.band, day_obs: v.dayObs };
  if (detector !== undefined) id.detector = detector;
  return id;
}

/** isr -> characterizeImage -> calibrate on one raw, through the tasks' run(). */
export async function processFrame(sim: SimCam, visitId: number, detector: number, refcat: CatalogValue, flatVariant: FlatVariant = 'prod', rendered?: { raw: ImageValue; truth: CatalogValue }): Promise<Frame> {
  const dataId = visitDataId(sim, visitId, detector);
  const band = String(dataId.band);
  const { raw, truth } = rendered ?? rawAndTruthValues(sim, visitId, detector);
  const post = await runTask(
    isr,
    {
      raw: { dataId, value: raw },
      bias: { dataId: { instrument: 'SimCam', detector }, value: biasValue(sim, detector) },
      flat: { dataId: { instrument: 'SimCam', detector, physical_filter: dataId.physical_filter! }, value: flatValue(sim, detector, band as 'r', flatVariant) },
    },
    dataId,
  );
  const ch = await runTask(characterizeImage, { exposure: { dataId, value: post.exposure } }, dataId);
  const cal = await runTask(
    calibrate,
    { exposure: { dataId, value: ch.characterized }, sources: { dataId, value: ch.sources }, refcat: { dataId: {}, value: refcat } },
    dataId,
  );
  return { visit: visitId, detector, band, truth, calexp: cal.calexp as ExposureValue, src: cal.src as CatalogValue };
}

/** makeWarp and assembleCoadd for one patch from the frames of one band. */
export async function coaddPatch(sim: SimCam, frames: readonly Frame[], patch: number, band: string): Promise<ExposureValue> {
  const visits = [...new Set(frames.map((f) => f.visit))];
  const warps: InputDataset[] = [];
  for (const visit of visits) {
    const dataId = { ...visitDataId(sim, visit), skymap: SKYMAP_NAME, tract: 0, patch };
    const calexps = frames.filter((f) => f.visit === visit).map((f) => ({ dataId: visitDataId(sim, visit, f.detector), value: f.calexp }));
    const out = await runTask(makeWarp, { calexps }, dataId, { skymap: SIMCAM_SKYMAP_DEFINITION });
    warps.push({ dataId, value: out.warp });
  }
  const coaddId = { skymap: SKYMAP_NAME, tract: 0, patch, band };
  return (await runTask(assembleCoadd, { warps }, coaddId)).coadd as ExposureValue;
}

export async function detectPatch(coadd: ExposureValue, patch: number, band: string): Promise<CatalogValue> {
  return (await runTask(detectCoadd, { coadd: { dataId: { skymap: SKYMAP_NAME, tract: 0, patch, band }, value: coadd } }, { skymap: SKYMAP_NAME, tract: 0, patch, band })).catalog as CatalogValue;
}

export async function forcedFrame(sim: SimCam, frame: Frame, catalogs: ReadonlyMap<number, CatalogValue>): Promise<CatalogValue> {
  const dataId = visitDataId(sim, frame.visit, frame.detector);
  const references = [...catalogs].map(([patch, value]) => ({ dataId: { skymap: SKYMAP_NAME, tract: 0, patch, band: frame.band }, value }));
  return (await runTask(forcedPhot, { exposure: { dataId, value: frame.calexp }, references }, dataId)).forced as CatalogValue;
}

export function measurementOf(out: Record<string, unknown>, name: string): MeasurementValue {
  return out[name] as MeasurementValue;
}

export { refcatValue };
