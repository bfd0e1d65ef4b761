import { z } from 'zod';
import { PipelineError } from '../framework/errors.ts';
import { defineTask, single, type TaskInputs } from '../framework/task.ts';
import { MASK, type ExposureValue, type ImageValue } from '../framework/values.ts';
import { estimateBackground, evaluateBackground } from './lib/background.ts';
import { findCosmicRays, interpolateFlagged } from './lib/cosmicRays.ts';
import { scratchFloat32, zeroedUint8 } from './lib/scratch.ts';

/**
 * Instrument signature removal (LSST ip_isr IsrTask, reduced to what SimCam needs): bias
 * subtraction, gain (ADU -> electrons), flat division, saturation masking and cosmic-ray
 * masking and interpolation, with a variance plane from the noise model:
 *
 *   image    = (raw - bias)·gain / flat                                   [electrons]
 *   variance = (max((raw - bias)·gain, 0) + readNoise² + gain²/12) / flat²   [electrons²]
 *
 * (Poisson on the electrons actually collected, read noise and ADC quantization, then scaled by
 * the flat.) Gain and read noise come from the raw header (GAIN, RDNOISE) unless configured.
 * Saturated pixels (raw at the ADC top, or at the full well) are masked SAT and left as they are;
 * cosmic rays are found on a coarse background-subtracted image (lib/cosmicRays.ts), masked CR
 * and interpolated over. Pixels whose flat is unusable are masked BAD and set to 0.
 */

export const isrConfig = z
  .object({
    doBias: z.boolean().default(true),
    doFlat: z.boolean().default(true),
    doSaturation: z.boolean().default(true),
    /** Saturation level, ADU; null takes the raw header's SATURATE. */
    saturationAdu: z.number().positive().nullable().default(null),
    /** Full-well capacity, electrons (SimCam's camera constant); null disables the check. */
    fullWellE: z.number().positive().nullable().default(100_000),
    gainEPerAdu: z.number().positive().nullable().default(null),
    readNoiseE: z.number().nonnegative().nullable().default(null),
    /** Flat values below this are unusable (BAD). */
    minFlat: z.number().positive().default(0.1),
    doCosmicRays: z.boolean().default(true),
    crNSigma: z.number().positive().default(6),
    crContrastSigma: z.number().nonnegative().default(3),
    /** The sharpest PSF (Gaussian sigma, px) a real source can have; SimCam's best seeing is 0.5" = 1.06 px. */
    crMinPsfSigmaPx: z.number().positive().default(1.0),
    crGrowNSigma: z.number().positive().default(3),
    /** Cell size of the coarse background used only for cosmic-ray finding, px. */
    crBackgroundBinPx: z.number().int().positive().default(64),
  })
  .strict();
export type IsrConfig = z.infer<typeof isrConfig>;

function headerNumber(meta: ImageValue['metadata'], key: string, configured: number | null): number {
  if (configured !== null) return configured;
  const v = meta[key];
  if (typeof v !== 'number') throw new PipelineError('BAD_INPUT', `raw header has no numeric ${key}; set it in the isr config`, { key });
  return v;
}

function checkSameShape(raw: ImageValue, other: ImageValue, what: string): void {
  if (other.image.width !== raw.image.width || other.image.height !== raw.image.height) {
    throw new PipelineError('BAD_INPUT', `${what} is ${other.image.width}x${other.image.height} but the raw is ${raw.image.width}x${raw.image.height}`, { what });
  }
  const rawFilter = raw.metadata.FILTER;
  if (what === 'flat' && other.metadata.FILTER !== undefined && rawFilter !== undefined && other.metadata.FILTER !== rawFilter) {
    throw new PipelineError('BAD_INPUT', `flat is for filter ${String(other.metadata.FILTER)} but the raw was taken in ${String(rawFilter)}`, { flatFilter: other.metadata.FILTER, rawFilter });
  }
}

export function runIsr(raw: ImageValue, bias: ImageValue | undefined, flat: ImageValue | undefined, c: IsrConfig): ExposureValue {
  const { width, height } = raw.image;
  const n = width * height;
  const gain = headerNumber(raw.metadata, 'GAIN', c.gainEPerAdu);
  const readNoise = headerNumber(raw.metadata, 'RDNOISE', c.readNoiseE);
  const satAdu = c.saturationAdu ?? (typeof raw.metadata.SATURATE === 'number' ? raw.metadata.SATURATE : Infinity);
  if (c.doBias && bias) checkSameShape(raw, bias, 'bias');
  if (c.doFlat && flat) checkSameShape(raw, flat, 'flat');
  const b = c.doBias ? bias!.image.data : null;
  const f = c.doFlat ? flat!.image.data : null;
  const image = new Float32Array(n);
  const variance = new Float32Array(n);
  const mask = new Int32Array(n);
  const rawData = raw.image.data;
  const constVar = readNoise * readNoise + (gain * gain) / 12;
  const fullWell = c.fullWellE === null ? Infinity : 0.995 * c.fullWellE;
  let nSat = 0;
  for (let i = 0; i < n; i++) {
    const adu = rawData[i]!;
    const e = (b === null ? adu : adu - b[i]!) * gain;
    const flatV = f === null ? 1 : f[i]!;
    if (!(flatV >= c.minFlat)) {
      mask[i] = MASK.BAD;
      image[i] = 0;
      variance[i] = Infinity;
      continue;
    }
    image[i] = e / flatV;
    variance[i] = ((e > 0 ? e : 0) + constVar) / (flatV * flatV);
    if (c.doSaturation && (adu >= satAdu || e >= fullWell)) {
      mask[i] = mask[i]! | MASK.SAT;
      nSat++;
    }
  }
  let nCr = 0;
  if (c.doCosmicRays) nCr = maskCosmicRays(image, variance, mask, width, height, c);
  return {
    image: { width, height, data: image },
    mask,
    variance: { width, height, data: variance },
    wcs: raw.wcs,
    metadata: { ...raw.metadata, BUNIT: 'electron', ISRBIAS: c.doBias, ISRFLAT: c.doFlat, NSATPIX: nSat, NCRPIX: nCr },
  };
}

function maskCosmicRays(image: Float32Array, variance: Float32Array, mask: Int32Array, width: number, height: number, c: IsrConfig): number {
  const ignore = MASK.BAD | MASK.SAT;
  const model = estimateBackground(image, mask, width, height, { binSizePx: c.crBackgroundBinPx, clipSigma: 3, nIter: 3, ignoreMask: ignore });
  const bg = evaluateBackground(model, scratchFloat32('isr.crBackground', width * height));
  const resid = scratchFloat32('isr.crResidual', width * height);
  for (let i = 0; i < resid.length; i++) resid[i] = image[i]! - bg[i]!;
  const flagged = zeroedUint8('isr.crFlagged', width * height);
  const count = findCosmicRays(
    resid,
    variance,
    mask,
    width,
    height,
    { nSigma: c.crNSigma, contrastSigma: c.crContrastSigma, minPsfSigmaPx: c.crMinPsfSigmaPx, growNSigma: c.crGrowNSigma, ignoreMask: ignore },
    flagged,
  );
  if (count === 0) return 0;
  interpolateFlagged(resid, variance, flagged, width, height);
  for (let i = 0; i < resid.length; i++) {
    if (flagged[i] === 0) continue;
    mask[i] = mask[i]! | MASK.CR;
    image[i] = resid[i]! + bg[i]!;
  }
  return count;
}

export const isr = defineTask({
  description: 'Instrument signature removal: bias, gain, flat, saturation and cosmic-ray masks, variance (raw ADU -> electrons)',
  config: isrConfig,
  connections: {
    raw: { kind: 'input', storageClass: 'Image' },
    bias: { kind: 'calibration', storageClass: 'Image' },
    flat: { kind: 'calibration', storageClass: 'Image' },
    exposure: { kind: 'output', storageClass: 'Exposure' },
  },
  run(inputs: TaskInputs, config: IsrConfig) {
    const raw = single<ImageValue>(inputs, 'raw').value;
    const bias = config.doBias ? single<ImageValue>(inputs, 'bias').value : undefined;
    const flat = config.doFlat ? single<ImageValue>(inputs, 'flat').value : undefined;
    return { exposure: runIsr(raw, bias, flat, config) };
  },
});
