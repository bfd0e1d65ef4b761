import { z } from 'zod';
import { PipelineError } from '../framework/errors.ts';
import { defineTask, many, single, type TaskInputs } from '../framework/task.ts';
import { MASK, type ExposureValue } from '../framework/values.ts';
import { finiteMetadata } from '../drp/lib/metadata.ts';
import { warpOnto, type SourceBox } from '../drp/lib/warp.ts';
import { NJY_ZERO_POINT_MAG } from '../drp/makeWarp.ts';

/**
 * getTemplate (LSST ip_diffim GetTemplateTask): the DRP coadds (`deepCoadd`, nJy) of every patch
 * the science exposure touches, resampled onto the science calexp's own pixel grid, so that
 * subtraction compares pixel with pixel. Lanczos-3 through both WCSs (drp/lib/warp.ts, the
 * warper makeWarp uses), variance with squared weights, NO_DATA where no coadd reaches.
 *
 * Patches overlap by their borders; each template pixel comes from the patch whose inner region
 * holds it when that patch covers it (as GetTemplateTask stitches by inner boxes), so the result
 * does not depend on the order the coadds arrive in (the inner region is passed to the warper as
 * a box rather than by copying each coadd's mask). The template is scaled from nJy to the
 * science exposure's units (electrons, through its zero point), so the matching kernel's sum is
 * close to 1. The template's PSF is the coadds' PSF summary (inverse-variance weighted FWHM of the
 * input visits); subtractImages needs it only to choose the kernel basis widths.
 */

export const getTemplateConfig = z
  .object({
    warpingKernel: z.enum(['lanczos3', 'bilinear']).default('lanczos3'),
    interpLengthPx: z.number().int().positive().default(16),
  })
  .strict();
export type GetTemplateConfig = z.infer<typeof getTemplateConfig>;

export function runGetTemplate(science: ExposureValue, coadds: readonly { patch: number; value: ExposureValue }[], c: GetTemplateConfig): ExposureValue {
  if (!science.wcs || science.zeroPointMag === undefined) throw new PipelineError('BAD_INPUT', 'getTemplate needs a calibrated science exposure (WCS and zero point)');
  if (coadds.length === 0) throw new PipelineError('BAD_INPUT', 'getTemplate found no coadd overlapping the science exposure in the templates collection');
  const { width, height } = science.image;
  const n = width * height;
  const target = { wcs: science.wcs, width, height, image: new Float32Array(n), variance: new Float32Array(n), mask: new Int32Array(n).fill(MASK.NO_DATA) };
  const scale = Math.pow(10, 0.4 * (science.zeroPointMag - NJY_ZERO_POINT_MAG));
  const sorted = [...coadds].sort((a, b) => a.patch - b.patch);
  // First pass: each coadd restricted to its inner region (pixels outside it are NO_DATA to the
  // warper); second pass: the borders fill what the inner regions left (the tract's outer edge).
  for (const { value } of sorted) {
    if (!value.wcs) throw new PipelineError('BAD_INPUT', 'a template coadd has no WCS');
    warpOnto(value, target, scale, c.warpingKernel, c.interpLengthPx, innerBox(value));
  }
  for (const { value } of sorted) warpOnto(value, target, scale, c.warpingKernel, c.interpLengthPx);
  let covered = 0;
  for (let i = 0; i < n; i++) if ((target.mask[i]! & MASK.NO_DATA) === 0) covered++;
  if (covered === 0) throw new PipelineError('BAD_INPUT', 'no template coadd covers any pixel of the science exposure');
  const psfs = sorted.map((s) => s.value.psf).filter((p): p is NonNullable<typeof p> => p !== undefined);
  const fwhm = psfs.length > 0 ? psfs.reduce((s, p) => s + p.fwhmPx, 0) / psfs.length : Number.NaN;
  const sigma = psfs.length > 0 ? psfs.reduce((s, p) => s + p.sigmaPx, 0) / psfs.length : Number.NaN;
  return {
    image: { width, height, data: target.image },
    mask: target.mask,
    variance: { width, height, data: target.variance },
    wcs: science.wcs,
    psf: Number.isFinite(fwhm) ? { fwhmPx: fwhm, sigmaPx: sigma } : undefined,
    zeroPointMag: science.zeroPointMag,
    metadata: finiteMetadata({
      BUNIT: String(science.metadata.BUNIT ?? 'electron'),
      BAND: science.metadata.BAND ?? '',
      TMPLNPAT: sorted.length,
      TMPLCOV: covered / n,
      TMPLFWHM: fwhm,
      WARPKERN: c.warpingKernel,
    }),
  };
}

/** The patch's inner region in the coadd's pixels (when the coadd says where it is): pixels outside it count as NO_DATA. */
function innerBox(coadd: ExposureValue): SourceBox | undefined {
  const m = coadd.metadata;
  const [x0, y0, x1, y1] = [m.INNERX0, m.INNERY0, m.INNERX1, m.INNERY1];
  if (typeof x0 !== 'number' || typeof y0 !== 'number' || typeof x1 !== 'number' || typeof y1 !== 'number') return undefined;
  return { x0, y0, x1, y1 };
}

export const getTemplate = defineTask({
  description: 'Resample the DRP coadds overlapping a calexp onto its pixel grid, in its units (the difference-imaging template)',
  config: getTemplateConfig,
  connections: {
    // Both only read (the warper writes into the template it builds): the same decoded coadds serve every detector of every visit.
    exposure: { kind: 'input', storageClass: 'Exposure', readOnly: true },
    coadds: { kind: 'input', storageClass: 'Exposure', multiple: true, readOnly: true },
    template: { kind: 'output', storageClass: 'Exposure' },
  },
  run(inputs: TaskInputs, config: GetTemplateConfig) {
    const science = single<ExposureValue>(inputs, 'exposure').value;
    const coadds = many<ExposureValue>(inputs, 'coadds').map((d) => ({ patch: Number(d.dataId.patch), value: d.value }));
    return { template: runGetTemplate(science, coadds, config) };
  },
});
