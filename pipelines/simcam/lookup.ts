import { PipelineError } from '../framework/errors.ts';
import type { TanWcs } from '../image/types.ts';
import { imageRegion } from '../image/wcs.ts';
import { detectorWcs } from './layout.ts';
import type { DetectorRecord, DetectorTruth, SimCam, VisitRecord, VisitTruth } from './types.ts';

/** Finding a SimCam's visits and detectors by id, and their WCSs. */

export function findVisit(sim: SimCam, visitId: number): { record: VisitRecord; truth: VisitTruth } {
  const index = sim.visits.findIndex((v) => v.id === visitId);
  if (index < 0) throw new PipelineError('NOT_FOUND', `SimCam has no visit ${visitId}`, { visitId, visits: sim.visits.map((v) => v.id) });
  return { record: sim.visits[index]!, truth: sim.truth.visits[index]! };
}

export function findDetector(sim: SimCam, detectorId: number): { record: DetectorRecord; truth: DetectorTruth } {
  const index = sim.detectors.findIndex((d) => d.id === detectorId);
  if (index < 0) throw new PipelineError('NOT_FOUND', `SimCam has no detector ${detectorId}`, { detectorId });
  return { record: sim.detectors[index]!, truth: sim.truth.detectors[index]! };
}

/**
 * The WCS of a detector in a visit: `true` is the one the image was rendered with; `header` is
 * built from the commanded pointing (off by the pointing error), as a raw header would carry it.
 */
export function visitDetectorWcs(sim: SimCam, visitId: number, detectorId: number, which: 'true' | 'header'): TanWcs {
  const { record, truth } = findVisit(sim, visitId);
  findDetector(sim, detectorId);
  return which === 'true'
    ? detectorWcs(sim.options, detectorId, truth.boresightDeg, truth.skyAngleDeg)
    : detectorWcs(sim.options, detectorId, [record.raDeg, record.decDeg], record.skyAngleDeg);
}

/** A detector's outer edge on the sky in a visit (commanded pointing), counter-clockwise as seen from inside. */
export function visitDetectorRegion(sim: SimCam, visitId: number, detectorId: number): [number, number][] {
  const size = sim.options.detectorSizePx;
  return imageRegion(visitDetectorWcs(sim, visitId, detectorId, 'header'), size, size);
}
