import type { CatalogValue, ImageValue, Scalar } from '../framework/values.ts';
import { wcsFromHeader } from '../io/fits.ts';
import type { FitsHeader } from '../io/fits-header.ts';
import type { Catalog } from '../io/parquet.ts';
import { renderBias, renderFlat, type FlatVariant } from './calibs.ts';
import { findDetector, findVisit } from './lookup.ts';
import { pointSourceSnr } from './psf.ts';
import { renderExpected, renderRaw, type RawExposure } from './render.ts';
import type { Band, LightCurve, SimCam } from './types.ts';

type Explosive = Extract<LightCurve, { type: 'explosive' }>;
type Periodic = Extract<LightCurve, { type: 'periodic' }>;

/**
 * SimCam frames and truth as repository dataset values (pipelines/framework/values.ts), in the
 * fixed contract of dataset types the DRP pipeline reads:
 *
 * | dataset type       | dimensions                              | storage class |
 * |--------------------|-----------------------------------------|---------------|
 * | `raw`              | instrument, visit, detector             | Image (ADU)   |
 * | `bias`             | instrument, detector (calibration)      | Image (ADU)   |
 * | `flat`             | instrument, physical_filter, detector (calibration) | Image |
 * | `refcat`           | (none)                                  | Catalog       |
 * | `truth_sources`    | instrument, visit, detector             | Catalog       |
 * | `truth_transients` | (none)                                  | Catalog       |
 */

/** Structural and WCS keywords: the codecs own them, so they are not metadata. */
const NOT_METADATA = /^(SIMPLE|BITPIX|NAXIS\d*|EXTEND|BZERO|BSCALE|CTYPE\d|CRVAL\d|CRPIX\d|CD\d_\d|CUNIT\d|RADESYS|WCSAXES|COMMENT|HISTORY)$/;

/** Header cards as Image metadata: scalar keywords other than structural and WCS ones. */
export function headerMetadata(header: FitsHeader): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const card of header) {
    if (!card.key || NOT_METADATA.test(card.key)) continue;
    const v = card.value;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[card.key] = v;
  }
  return out;
}

/** A raw frame: ADU pixels, the raw header's keywords, and the header (commanded) WCS. */
export function rawValue(sim: SimCam, visitId: number, detectorId: number, rendered?: RawExposure): ImageValue {
  const raw = rendered ?? renderRaw(sim, visitId, detectorId);
  return { image: raw.image, metadata: headerMetadata(raw.header), wcs: wcsFromHeader(raw.header) };
}

/** The master bias of a detector (ADU, noise-free). */
export function biasValue(sim: SimCam, detectorId: number): ImageValue {
  const frame = renderBias(sim, detectorId);
  return { image: frame.image, metadata: headerMetadata(frame.header) };
}

/** The master flat of a detector in a band: `prod` (exact response) or an experimental variant. */
export function flatValue(sim: SimCam, detectorId: number, band: Band, variant: FlatVariant = 'prod'): ImageValue {
  const frame = renderFlat(sim, detectorId, band, variant);
  return { image: frame.image, metadata: headerMetadata(frame.header) };
}

/**
 * The reference catalog: id (Int32), raDeg, decDeg, gMag, rMag, iMag (truth magnitudes in
 * SimCam's own system; variables at their mean), isResolved (galaxies).
 */
export function refcatValue(sim: SimCam): CatalogValue {
  const ref = sim.refcat;
  const columns: Catalog = {
    id: ref.id!,
    raDeg: ref.raDeg!,
    decDeg: ref.decDeg!,
    ...Object.fromEntries(sim.options.bands.map((b) => [`${b}Mag`, ref[`${b}Mag`]!])),
    isResolved: ref.isResolved!,
  };
  return {
    columns,
    metadata: {
      description: 'SimCam reference catalog: exact positions (ICRS deg) and magnitudes (no colour terms, no errors)',
      bands: sim.options.bands.join(','),
      seed: String(sim.options.seed),
    },
  };
}

/** Raw frame and its truth from one render (rendering is the expensive part). */
export function rawAndTruthValues(sim: SimCam, visitId: number, detectorId: number): { raw: ImageValue; truth: CatalogValue } {
  const raw = renderRaw(sim, visitId, detectorId);
  return { raw: rawValue(sim, visitId, detectorId, raw), truth: truthCatalog(sim, visitId, detectorId, raw.truth.sources) };
}

/**
 * Truth for one raw: every source drawn on it (see README "Truth") plus `snr`, the S/N of
 * optimal PSF photometry from the noise model (pointSourceSnr with the visit's sky and PSF and
 * the detector's read noise). Metadata holds the visit's true zero point, sky, PSF and WCS.
 */
export function truthValue(sim: SimCam, visitId: number, detectorId: number): CatalogValue {
  return truthCatalog(sim, visitId, detectorId, renderExpected(sim, visitId, detectorId).sources);
}

function truthCatalog(sim: SimCam, visitId: number, detectorId: number, sources: Catalog): CatalogValue {
  const { truth: visit } = findVisit(sim, visitId);
  const { truth: det } = findDetector(sim, detectorId);
  const fluxE = sources.fluxE as Float64Array;
  const snr = Float64Array.from(fluxE, (f) => pointSourceSnr(f, visit.skyEPerPx, det.readNoiseE, visit.psf));
  return {
    columns: { ...sources, snr },
    metadata: {
      visit: String(visitId),
      detector: String(detectorId),
      band: visit.band,
      zeroPointMag: String(visit.zeroPointMag),
      skyEPerPx: String(visit.skyEPerPx),
      psfFwhmPx: String(visit.psf.fwhmPx),
      psf: JSON.stringify(visit.psf),
      gainEPerAdu: String(det.gainEPerAdu),
      readNoiseE: String(det.readNoiseE),
      seeingFwhmArcsec: String(visit.seeingFwhmArcsec),
    },
  };
}

/**
 * Truth transients and variables with their light curves as parameters (evaluate them with
 * `lightCurveFromRow` + lightCurveMag). Columns not used by a curve's type are NaN; hostId is
 * -1 for hostless transients.
 */
export function transientTruthValue(sim: SimCam): CatalogValue {
  const t = sim.transients;
  const num = (f: (k: number) => number) => Float64Array.from(t, (_, k) => f(k));
  const explosive = (k: number): Explosive | undefined => (t[k]!.lightCurve.type === 'explosive' ? (t[k]!.lightCurve as Explosive) : undefined);
  const periodic = (k: number): Periodic | undefined => (t[k]!.lightCurve.type === 'periodic' ? (t[k]!.lightCurve as Periodic) : undefined);
  const columns: Catalog = {
    id: Int32Array.from(t, (x) => x.id),
    kind: t.map((x) => x.kind),
    raDeg: num((k) => t[k]!.raDeg),
    decDeg: num((k) => t[k]!.decDeg),
    hostId: Int32Array.from(t, (x) => x.hostId ?? -1),
    curveType: t.map((x) => x.lightCurve.type),
    peakMjd: num((k) => explosive(k)?.peakMjd ?? Number.NaN),
    riseDays: num((k) => explosive(k)?.riseDays ?? Number.NaN),
    declineMagPerDay: num((k) => explosive(k)?.declineMagPerDay ?? Number.NaN),
    epochMjd: num((k) => periodic(k)?.epochMjd ?? Number.NaN),
    periodDays: num((k) => periodic(k)?.periodDays ?? Number.NaN),
    amplitudeMag: num((k) => periodic(k)?.amplitudeMag ?? Number.NaN),
  };
  // Peak magnitudes for transients, mean magnitudes for variables, per band.
  for (const b of sim.options.bands) {
    columns[`${b}Mag`] = num((k) => {
      const lc = t[k]!.lightCurve;
      return lc.type === 'explosive' ? lc.peakMag[b] : lc.meanMag[b];
    });
  }
  return {
    columns,
    metadata: {
      description: 'SimCam transients (explosive: t^2 rise to peak, then linear decline in mag) and variables (sinusoidal in mag)',
      bands: sim.options.bands.join(','),
      seed: String(sim.options.seed),
    },
  };
}

/** The light curve of row k of a truth_transients catalog, for lightCurveMag. */
export function lightCurveFromRow(columns: Catalog, k: number, bands: readonly Band[]): LightCurve {
  const f = (name: string) => (columns[name] as Float64Array)[k]!;
  const mags = Object.fromEntries(bands.map((b) => [b, f(`${b}Mag`)])) as Record<Band, number>;
  if ((columns.curveType as string[])[k] === 'explosive') {
    return { type: 'explosive', peakMjd: f('peakMjd'), riseDays: f('riseDays'), declineMagPerDay: f('declineMagPerDay'), peakMag: mags };
  }
  return { type: 'periodic', epochMjd: f('epochMjd'), periodDays: f('periodDays'), amplitudeMag: f('amplitudeMag'), meanMag: mags };
}
