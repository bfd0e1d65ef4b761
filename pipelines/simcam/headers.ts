import type { TanWcs } from '../image/types.ts';
import type { FitsHeader } from '../io/fits-header.ts';
import { wcsToCards } from '../io/fits.ts';
import { INSTRUMENT } from './camera.ts';
import type { DetectorRecord, DetectorTruth, SimCam, VisitRecord } from './types.ts';

/**
 * FITS headers of SimCam frames: what a real camera would write. Truth that a pipeline must
 * measure (seeing, sky, zero point, the true WCS) is not in them.
 */

/** FITS dates carry no zone letter: 'YYYY-MM-DDThh:mm:ss.sss' in TIMESYS (UTC). */
function fitsDate(iso: string): string {
  return iso.replace(/Z$/, '');
}

function detectorCards(detector: DetectorRecord, det: DetectorTruth): FitsHeader {
  return [
    { key: 'INSTRUME', value: INSTRUMENT, comment: 'instrument' },
    { key: 'TELESCOP', value: 'SimTel', comment: 'telescope' },
    { key: 'DETECTOR', value: detector.id, comment: 'detector id' },
    { key: 'DETNAME', value: detector.fullName, comment: 'detector name' },
    { key: 'GAIN', value: det.gainEPerAdu, comment: '[e-/adu] nominal gain' },
    { key: 'RDNOISE', value: det.readNoiseE, comment: '[e-] nominal read noise' },
  ];
}

export function rawHeader(sim: SimCam, visit: VisitRecord, detector: DetectorRecord, det: DetectorTruth, wcs: TanWcs): FitsHeader {
  const beginMjd = visit.extra.midMjd - visit.exposureTimeS / 86_400 / 2;
  return [
    ...detectorCards(detector, det),
    { key: 'BUNIT', value: 'adu', comment: 'pixel unit' },
    { key: 'SATURATE', value: 65535, comment: '[adu] ADC maximum' },
    { key: 'OBSTYPE', value: 'science', comment: 'observation type' },
    { key: 'EXPID', value: visit.id, comment: 'exposure and visit id' },
    { key: 'DAYOBS', value: visit.dayObs, comment: 'observing day, YYYYMMDD (UTC-12h)' },
    { key: 'TIMESYS', value: 'UTC', comment: 'time scale' },
    { key: 'DATE-OBS', value: fitsDate(visit.beginTime), comment: 'shutter open' },
    { key: 'DATE-END', value: fitsDate(visit.endTime), comment: 'shutter close' },
    { key: 'MJD-OBS', value: beginMjd, comment: '[d] MJD at shutter open' },
    { key: 'MJD-AVG', value: visit.extra.midMjd, comment: '[d] MJD at mid-exposure' },
    { key: 'EXPTIME', value: visit.exposureTimeS, comment: '[s] exposure time' },
    { key: 'FILTER', value: visit.physicalFilter, comment: 'physical filter' },
    { key: 'BAND', value: visit.extra.band, comment: 'band' },
    { key: 'AIRMASS', value: visit.extra.airmass, comment: 'airmass at mid-exposure' },
    { key: 'RA', value: visit.raDeg, comment: '[deg] commanded boresight RA' },
    { key: 'DEC', value: visit.decDeg, comment: '[deg] commanded boresight Dec' },
    { key: 'ROTANGLE', value: visit.skyAngleDeg, comment: '[deg] pixel +y to north, towards +x' },
    ...wcsToCards(wcs),
    { key: 'ORIGIN', value: `SimCam seed ${sim.options.seed}`, comment: 'synthetic data' },
  ];
}

export function calibHeader(detector: DetectorRecord, det: DetectorTruth, obstype: 'bias' | 'flat', extra: FitsHeader): FitsHeader {
  return [
    ...detectorCards(detector, det),
    { key: 'BUNIT', value: obstype === 'bias' ? 'adu' : '', comment: obstype === 'bias' ? 'pixel unit' : 'dimensionless response' },
    { key: 'OBSTYPE', value: obstype, comment: 'calibration type' },
    ...extra,
  ];
}
