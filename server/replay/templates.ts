import { codecFor } from '../../pipelines/framework/codecs.ts';
import type { ExposureValue } from '../../pipelines/framework/values.ts';
import type { Actor } from '../auth/roles.ts';
import { VeraError } from '../errors.ts';
import { findDatasets, type Datastore } from '../repo/index.ts';
import type { RunDeps } from '../runs/deps.ts';
import { submitRun } from '../runs/submit.ts';

export interface TemplateRequest {
  /** Collections with the raws, calibrations and refcats (SimCam: SimCam/defaults). */
  inputs: string[];
  instrument: string;
  /** The earlier visits the template is made of. */
  visits: number[];
  /** The templates collection (deepCoadd per patch and band); its single-frame run is `<output>/sfp`. */
  output: string;
  /** makeWarp's config besides the PSF width: a SimCam of non-default geometry gives its own `skymap`. */
  makeWarpConfig?: Record<string, unknown> | undefined;
}

/** 1.05 × the broadest template visit's PSF: every template calexp is convolved to it, none sharpened. */
export const TEMPLATE_PSF_MARGIN = 1.05;

/**
 * Builds AP templates as docs/alert-production.md describes: single-frame processing of the
 * template visits (DRP isr … calibrate), then PSF-matched warps to TEMPLATE_PSF_MARGIN × the
 * broadest of their PSFs and coadds per patch (makeWarp, assembleCoadd). Two runs, because the
 * matching width is only known once the calexps' PSFs are measured. Both run on the executor pool.
 */
export async function buildTemplates(deps: RunDeps & { datastore: Datastore }, actor: Actor, req: TemplateRequest): Promise<{ collection: string; psfMatchFwhmPx: number }> {
  if (req.visits.length === 0) throw new VeraError('BAD_INPUT', 'a template needs at least one visit');
  const where = 'instrument = inst AND visit IN (vs)';
  const bind = { inst: req.instrument, vs: req.visits };
  const sfp = `${req.output}/sfp`;
  await submitRun(deps, { pipelineFile: 'pipelines/drp.yaml#isr,characterizeImage,calibrate', inputs: req.inputs, output: sfp, where, bind }, actor);
  if ((await deps.runs.wait(sfp)) !== 'succeeded') throw new VeraError('RUN_FAILED', `the template visits' single-frame run '${sfp}' did not succeed`, { run: sfp });
  let fwhm = 0;
  for (const ref of await findDatasets(deps.database.db, { datasetType: 'calexp', collections: [sfp] })) {
    const calexp = (await codecFor('Exposure').decode(await deps.datastore.read(ref.path, ref.checksum))) as ExposureValue;
    fwhm = Math.max(fwhm, Number(calexp.metadata.PSFFWHM));
  }
  if (!(fwhm > 0)) throw new VeraError('BAD_INPUT', `the calexps of '${sfp}' have no PSF FWHM`);
  const psfMatchFwhmPx = TEMPLATE_PSF_MARGIN * fwhm;
  await submitRun(
    deps,
    { pipelineFile: 'pipelines/drp.yaml#makeWarp,assembleCoadd', inputs: [sfp, ...req.inputs], output: req.output, where, bind, configOverrides: { makeWarp: { ...req.makeWarpConfig, psfMatchFwhmPx } } },
    actor,
  );
  if ((await deps.runs.wait(req.output)) !== 'succeeded') throw new VeraError('RUN_FAILED', `the template run '${req.output}' did not succeed`, { run: req.output });
  return { collection: req.output, psfMatchFwhmPx };
}
