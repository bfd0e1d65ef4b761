import { PipelineError } from '../framework/errors.ts';
import { intermediateToSky } from '../image/wcs.ts';
import { INSTRUMENT } from './camera.ts';
import { detectorRegions, focalPlaneRegion } from './layout.ts';
import { psfForFwhm } from './psf.ts';
import { Rng } from './random.ts';
import type { Band, DayObsRecord, ResolvedOptions, VisitRecord, VisitTruth } from './types.ts';

/**
 * Observing: one visit per band per night, nights two days apart, from a site at Cerro Pachón.
 * Times are UTC; MJD = JD - 2400000.5. day_obs is the UTC-12h date at the start of the night
 * (Rubin's convention). Airmass is sec(z) from the hour angle at mid-exposure.
 */

const SITE = { latitudeDeg: -30.2444, longitudeDeg: -70.7494 };
const DEG = Math.PI / 180;
const MJD_UNIX_EPOCH = 40587;
/** Magnitude of a source giving 1 e-/s above the atmosphere, per band (the instrument's throughput). */
export const ZERO_POINT_1S_MAG: Record<Band, number> = { g: 28.3, r: 28.4, i: 28.1 };
/** Atmospheric extinction, mag per airmass. */
const EXTINCTION_MAG_PER_AIRMASS: Record<Band, number> = { g: 0.2, r: 0.12, i: 0.07 };
/** Dark-sky brightness at zenith, mag/arcsec². */
const DARK_SKY_MAG: Record<Band, number> = { g: 22.1, r: 21.1, i: 20.3 };
const WAVELENGTH_NM: Record<Band, number> = { g: 480, r: 620, i: 750 };
function dayObsToMjd(dayObs: number): number {
  const y = Math.floor(dayObs / 10000);
  const m = Math.floor(dayObs / 100) % 100;
  const d = dayObs % 100;
  return Date.UTC(y, m - 1, d) / 86_400_000 + MJD_UNIX_EPOCH;
}

function mjdToDayObs(mjd: number): number {
  const date = new Date((mjd - MJD_UNIX_EPOCH) * 86_400_000);
  return date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

export function mjdToIso(mjd: number): string {
  return new Date(Math.round((mjd - MJD_UNIX_EPOCH) * 86_400_000)).toISOString();
}

/** Airmass sec(z) at a time and place on the sky; Greenwich mean sidereal time per IAU 1982 (linear term). */
export function airmassAt(mjd: number, raDeg: number, decDeg: number): number {
  const gmstDeg = 280.46061837 + 360.98564736629 * (mjd + 2400000.5 - 2451545);
  const hourAngle = (gmstDeg + SITE.longitudeDeg - raDeg) * DEG;
  const lat = SITE.latitudeDeg * DEG;
  const dec = decDeg * DEG;
  const sinAlt = Math.sin(lat) * Math.sin(dec) + Math.cos(lat) * Math.cos(dec) * Math.cos(hourAngle);
  if (sinAlt < 0.1) {
    throw new PipelineError('BAD_INPUT', 'the field is below airmass 10 at the visit time; choose another firstDayObs or field', { mjd, raDeg, decDeg });
  }
  return 1 / sinAlt;
}

export interface Observing {
  visits: VisitRecord[];
  truth: VisitTruth[];
  dayObs: DayObsRecord[];
}

export function planVisits(options: ResolvedOptions): Observing {
  const rng = new Rng(options.seed, 'visits');
  const bands = options.bands;
  const visits: VisitRecord[] = [];
  const truth: VisitTruth[] = [];
  const dayObs: DayObsRecord[] = [];
  const firstNightMjd = dayObsToMjd(options.firstDayObs);
  const halfDitherRad = (options.ditherArcsec / 3600) * DEG;
  const pixelAreaArcsec2 = options.pixelScaleArcsec * options.pixelScaleArcsec;
  for (let v = 0; v < options.nVisits; v++) {
    const night = Math.floor(v / bands.length);
    const seq = (v % bands.length) + 1;
    const band = bands[v % bands.length]!;
    const nightMjd = firstNightMjd + 2 * night;
    const dayObsId = mjdToDayObs(nightMjd);
    if (seq === 1) dayObs.push({ instrument: INSTRUMENT, id: dayObsId, beginTime: mjdToIso(nightMjd + 0.5), endTime: mjdToIso(nightMjd + 1.5) });
    // Shutter opens from 02:30 UTC (local evening to midnight) at ~50 minute intervals, to the ms.
    const beginMjd = Math.round((nightMjd + 1 + (2.5 + (seq - 1) * 0.83 + rng.range(0, 0.1)) / 24) * 86_400_000) / 86_400_000;
    const endMjd = beginMjd + options.exposureTimeS / 86_400;
    const midMjd = (beginMjd + endMjd) / 2;
    const commanded = intermediateToSky(options.fieldCenterDeg, rng.range(-halfDitherRad, halfDitherRad), rng.range(-halfDitherRad, halfDitherRad));
    const skyAngleDeg = rng.range(-options.maxRotationDeg, options.maxRotationDeg);
    // Pointing error: the true boresight is ~1" (rms per axis) off the commanded one.
    const pointingErrorRad = (1 / 3600) * DEG;
    const boresight = intermediateToSky(commanded, pointingErrorRad * rng.gaussian(), pointingErrorRad * rng.gaussian());
    const trueSkyAngleDeg = skyAngleDeg + 0.005 * rng.gaussian();
    const airmass = airmassAt(midMjd, boresight[0], boresight[1]);
    // Seeing: log-normal around 0.75" at zenith in r, Kolmogorov scaling with airmass^0.6 and λ^-0.2.
    const seeing = Math.min(1.4, Math.max(0.5, 0.75 * Math.exp(0.15 * rng.gaussian()) * Math.pow(airmass, 0.6) * Math.pow(WAVELENGTH_NM[band] / 620, -0.2)));
    const extinctionMag = EXTINCTION_MAG_PER_AIRMASS[band] * airmass;
    const cloudMag = rng.uniform() < 0.6 ? 0 : Math.min(0.2, -0.05 * Math.log(rng.uniform()));
    const skyMag = DARK_SKY_MAG[band] - rng.range(0, 0.6);
    const id = dayObsId * 100_000 + seq;
    visits.push({
      instrument: INSTRUMENT,
      id,
      physicalFilter: `${INSTRUMENT}-${band}`,
      dayObs: dayObsId,
      beginTime: mjdToIso(beginMjd),
      endTime: mjdToIso(endMjd),
      exposureTimeS: options.exposureTimeS,
      raDeg: commanded[0],
      decDeg: commanded[1],
      skyAngleDeg,
      region: focalPlaneRegion(options, commanded, skyAngleDeg),
      // 5" covers the pointing error (1" rms per axis) with room to spare.
      extra: { band, airmass, midMjd, detectorRegions: detectorRegions(options, commanded, skyAngleDeg, 5 / options.pixelScaleArcsec) },
    });
    truth.push({
      visitId: id,
      band,
      midMjd,
      airmass,
      seeingFwhmArcsec: seeing,
      psf: psfForFwhm(seeing / options.pixelScaleArcsec),
      skyMagPerArcsec2: skyMag,
      skyEPerPx: options.exposureTimeS * pixelAreaArcsec2 * Math.pow(10, -0.4 * (skyMag - ZERO_POINT_1S_MAG[band])),
      zeroPointMag: ZERO_POINT_1S_MAG[band] + 2.5 * Math.log10(options.exposureTimeS) - extinctionMag - cloudMag,
      extinctionMag,
      cloudMag,
      boresightDeg: boresight,
      skyAngleDeg: trueSkyAngleDeg,
    });
  }
  return { visits, truth, dayObs };
}
