import type { TanWcs } from '../image/types.ts';
import type { Catalog } from '../io/parquet.ts';

/** SimCam's domain types. Units are in the names; see README.md for the model. */

export type Band = 'g' | 'r' | 'i';
export const ALL_BANDS: readonly Band[] = ['g', 'r', 'i'];

export interface SimCamOptions {
  /** Master seed; every random choice derives from it. Default 1. */
  seed?: number;
  /** Number of visits, cycling through `bands`, three per night. Default 12. */
  nVisits?: number;
  bands?: Band[];
  /** Detector columns and rows on the focal plane. Default [2, 2]. */
  detectorGrid?: [number, number];
  /** Detector width = height, pixels. Default 512. */
  detectorSizePx?: number;
  /** Gap between neighbouring detectors, pixels. Default 40. */
  detectorGapPx?: number;
  pixelScaleArcsec?: number;
  exposureTimeS?: number;
  /** Centre of the field (and of the tract), ICRS degrees. Default [150.1, 2.2]. */
  fieldCenterDeg?: [number, number];
  /** Largest boresight offset from the field centre along each axis, arcsec. Default 40. */
  ditherArcsec?: number;
  /** Largest |sky rotation| of a visit, degrees. Default 2. */
  maxRotationDeg?: number;
  nStars?: number;
  nGalaxies?: number;
  nTransients?: number;
  nVariables?: number;
  /** Cosmic-ray hits per cm² per second of exposure (deliberately generous). Default 1. */
  cosmicRayRatePerCm2PerS?: number;
  /** Patches per tract side. Default 3. */
  patchesPerSide?: number;
  /** Overlap border of each patch, tract pixels. Default 50. */
  patchBorderPx?: number;
  /** First night of observing as day_obs (YYYYMMDD). Default 20250301. */
  firstDayObs?: number;
}

export type ResolvedOptions = Required<SimCamOptions>;

/** Light curves, magnitudes per band as a function of MJD (UTC days). See lightCurveMag. */
export type LightCurve =
  | {
      /** Nothing before peakMjd - riseDays; flux rising as t² to the peak; then linear in magnitude. */
      type: 'explosive';
      peakMjd: number;
      riseDays: number;
      declineMagPerDay: number;
      peakMag: Record<Band, number>;
    }
  | {
      /** mag = meanMag + amplitudeMag * sin(2π (t - epochMjd) / periodDays). */
      type: 'periodic';
      epochMjd: number;
      periodDays: number;
      amplitudeMag: number;
      meanMag: Record<Band, number>;
    };

/** A truth-only variable source: a transient (not in the refcat) or a variable refcat star. */
export interface TruthTransient {
  id: number;
  kind: 'transient' | 'variable';
  raDeg: number;
  decDeg: number;
  /** Host galaxy id for transients that have one; the refcat star id for variables. */
  hostId: number | null;
  lightCurve: LightCurve;
}

export interface GalaxyShape {
  id: number;
  /** Half-light radius along the major axis, arcsec. */
  halfLightRadiusArcsec: number;
  /** Minor/major axis ratio, (0, 1]. */
  axisRatio: number;
  /** Major-axis position angle, degrees east of north. */
  positionAngleDeg: number;
}

/** Dimension records, shaped as server/repo/dimension-records.ts accepts them. */
export interface InstrumentRecord {
  name: string;
  className: string;
  doc: string;
}
export interface PhysicalFilterRecord {
  instrument: string;
  name: string;
  band: Band;
}
export interface DayObsRecord {
  instrument: string;
  id: number;
  beginTime: string;
  endTime: string;
}
export interface VisitRecord {
  instrument: string;
  id: number;
  physicalFilter: string;
  dayObs: number;
  /** ISO 8601 UTC instants of shutter open and close. */
  beginTime: string;
  endTime: string;
  exposureTimeS: number;
  /** Commanded boresight (what the telescope reports), ICRS degrees. */
  raDeg: number;
  decDeg: number;
  /** Commanded sky rotation: angle from pixel +y to north, towards +x, degrees. */
  skyAngleDeg: number;
  /** Outer edge of the whole focal plane on the sky, counter-clockwise as seen from inside. */
  region: [number, number][];
  /**
   * `detectorRegions`: each detector's outer edge on the sky (by detector id, with a margin for
   * the pointing error), so a restriction to a patch processes only the detectors that overlap it.
   */
  extra: { band: Band; airmass: number; midMjd: number; detectorRegions: Record<string, [number, number][]> };
}
export interface DetectorRecord {
  instrument: string;
  id: number;
  fullName: string;
  extra: { widthPx: number; heightPx: number; column: number; row: number };
}
export interface SkymapRecord {
  name: string;
  hash: string;
  definition: Record<string, unknown>;
}
export interface TractRecord {
  skymap: string;
  id: number;
  raDeg: number;
  decDeg: number;
  region: [number, number][];
}
export interface PatchRecord {
  skymap: string;
  tract: number;
  id: number;
  cellX: number;
  cellY: number;
  /** Outer (overlapping) bbox of the patch on the sky. */
  region: [number, number][];
}

/** A pixel box, inclusive of x0/y0, exclusive of x0 + width / y0 + height. */
export interface BoxI {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

export interface TractGeometry {
  id: number;
  wcs: TanWcs;
  bbox: BoxI;
  patches: PatchGeometry[];
}
export interface PatchGeometry {
  id: number;
  cellX: number;
  cellY: number;
  /** In tract pixels. */
  innerBBox: BoxI;
  outerBBox: BoxI;
  /** Tract WCS shifted so that the outer bbox's corner is pixel (0, 0): the patch's own grid. */
  wcs: TanWcs;
  innerRegion: [number, number][];
}

/** Per-detector electronics and response (truth; the calibrations reproduce it). */
export interface DetectorTruth {
  id: number;
  /** Focal-plane pixel position of the detector's centre relative to the boresight. */
  centerFpPx: [number, number];
  gainEPerAdu: number;
  readNoiseE: number;
  biasLevelAdu: number;
  /** Zero-mean column pattern of the bias: amplitude, ADU, and whole periods across the width. */
  biasRippleAdu: number;
  biasRipplePeriods: number;
  /** Zero-mean row ramp of the bias, ADU from bottom to top. */
  biasRowRampAdu: number;
  fullWellE: number;
  /** Relative quantum efficiency per band (multiplies the flat). */
  qe: Record<Band, number>;
  /** Smooth flat polynomial coefficients for u, v, u·v, u², v² (u, v in [-1, 1] across the detector). */
  flatPoly: [number, number, number, number, number];
  /** RMS of the pixel-to-pixel response, fraction. */
  prnuRms: number;
}

export interface VisitTruth {
  visitId: number;
  band: Band;
  midMjd: number;
  airmass: number;
  seeingFwhmArcsec: number;
  psf: PsfModel;
  /** Sky brightness, mag/arcsec², and the resulting sky per pixel in flat-fielded electrons. */
  skyMagPerArcsec2: number;
  skyEPerPx: number;
  /** Magnitude of a source giving 1 electron in the flat-fielded exposure. */
  zeroPointMag: number;
  extinctionMag: number;
  cloudMag: number;
  /** True boresight and rotation (the visit record holds the commanded ones). */
  boresightDeg: [number, number];
  skyAngleDeg: number;
}

/** Double Gaussian PSF: (1 - wingFraction)·N(0, sigmaCorePx²) + wingFraction·N(0, sigmaWingPx²). */
export interface PsfModel {
  fwhmPx: number;
  sigmaCorePx: number;
  sigmaWingPx: number;
  wingFraction: number;
}

export interface CosmicRay {
  x0Px: number;
  y0Px: number;
  x1Px: number;
  y1Px: number;
  chargeE: number;
}

export interface SimCam {
  options: ResolvedOptions;
  instrument: InstrumentRecord;
  bands: { name: Band }[];
  physicalFilters: PhysicalFilterRecord[];
  dayObs: DayObsRecord[];
  detectors: DetectorRecord[];
  visits: VisitRecord[];
  skymap: SkymapRecord;
  tracts: TractRecord[];
  patches: PatchRecord[];
  /** Reference catalog: id (Int32), raDeg, decDeg (Float64), gMag, rMag, iMag (Float64), isResolved (boolean: galaxy). */
  refcat: Catalog;
  transients: TruthTransient[];
  truth: {
    detectors: DetectorTruth[];
    visits: VisitTruth[];
    galaxies: GalaxyShape[];
    tracts: TractGeometry[];
  };
}
