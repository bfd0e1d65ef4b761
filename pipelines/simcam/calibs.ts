import { PipelineError } from '../framework/errors.ts';
import type { ImageF } from '../image/types.ts';
import type { FitsHeader } from '../io/fits-header.ts';
import { biasImage, gradientFlatError, responseImage } from './camera.ts';
import { calibHeader } from './headers.ts';
import { findDetector } from './lookup.ts';
import type { Band, SimCam } from './types.ts';

/**
 * Master calibrations. `prod` frames are the truth itself (noise-free masters): the bias
 * structure in ADU and the response of each detector per band. `exp-flat-gradient` is the prod
 * flat times a plane across the focal plane (±3% in x, ±1.5% in y at the edges, ±4.5% at corners), so a run using it
 * measurably worsens photometry.
 */

export const FLAT_VARIANTS = ['prod', 'exp-flat-gradient'] as const;
export type FlatVariant = (typeof FLAT_VARIANTS)[number];

export interface CalibFrame {
  image: ImageF;
  header: FitsHeader;
}

export function renderBias(sim: SimCam, detectorId: number): CalibFrame {
  const { record, truth } = findDetector(sim, detectorId);
  const size = sim.options.detectorSizePx;
  return {
    image: { width: size, height: size, data: biasImage(sim.options, truth) },
    header: calibHeader(record, truth, 'bias', [{ key: 'CALIBSET', value: 'prod', comment: 'calibration variant' }]),
  };
}

export function renderFlat(sim: SimCam, detectorId: number, band: Band, variant: FlatVariant = 'prod'): CalibFrame {
  if (!FLAT_VARIANTS.includes(variant)) throw new PipelineError('BAD_INPUT', `unknown SimCam flat variant ${String(variant)}`, { variant, known: FLAT_VARIANTS });
  if (!sim.options.bands.includes(band)) throw new PipelineError('BAD_INPUT', `SimCam has no band ${band}`, { band });
  const { record, truth } = findDetector(sim, detectorId);
  const size = sim.options.detectorSizePx;
  const data = responseImage(sim.options, truth, band);
  if (variant === 'exp-flat-gradient') {
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x]! *= gradientFlatError(sim.options, truth, x, y);
  }
  return {
    image: { width: size, height: size, data },
    header: calibHeader(record, truth, 'flat', [
      { key: 'FILTER', value: `${sim.instrument.name}-${band}`, comment: 'physical filter' },
      { key: 'BAND', value: band, comment: 'band' },
      { key: 'CALIBSET', value: variant, comment: 'calibration variant' },
    ]),
  };
}
