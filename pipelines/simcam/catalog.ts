import { intermediateToSky } from '../image/wcs.ts';
import type { Catalog } from '../io/parquet.ts';
import { fieldHalfSizePx } from './layout.ts';
import { Rng } from './random.ts';
import type { Band, GalaxyShape, LightCurve, ResolvedOptions, TruthTransient } from './types.ts';

/**
 * The synthetic sky: stars and galaxies (the reference catalog, whose magnitudes are the truth,
 * in SimCam's own g, r, i system: no colour terms), and truth-only transients and variables.
 * Positions are uniform on the tangent plane of the field centre over the square any visit can
 * touch. Ids: stars 1..nStars, galaxies after them, transients from TRANSIENT_ID_BASE.
 */

export const TRANSIENT_ID_BASE = 1_000_001;
const DEG = Math.PI / 180;

/** Magnitude from dN/dm ∝ 10^(slope·m) on [lo, hi] (inverse CDF). */
function powerLawMag(rng: Rng, lo: number, hi: number, slope: number): number {
  const a = Math.pow(10, slope * lo);
  const b = Math.pow(10, slope * hi);
  return Math.log10(a + rng.uniform() * (b - a)) / slope;
}

function randomPosition(rng: Rng, options: ResolvedOptions): [number, number] {
  const halfRad = ((fieldHalfSizePx(options) * options.pixelScaleArcsec) / 3600) * DEG;
  return intermediateToSky(options.fieldCenterDeg, rng.range(-halfRad, halfRad), rng.range(-halfRad, halfRad));
}

export interface Sky {
  refcat: Catalog;
  galaxies: GalaxyShape[];
}

export function generateSky(options: ResolvedOptions): Sky {
  const rng = new Rng(options.seed, 'sky');
  const n = options.nStars + options.nGalaxies;
  const id = new Int32Array(n);
  const raDeg = new Float64Array(n);
  const decDeg = new Float64Array(n);
  const gMag = new Float64Array(n);
  const rMag = new Float64Array(n);
  const iMag = new Float64Array(n);
  const isResolved: boolean[] = [];
  const galaxies: GalaxyShape[] = [];
  for (let k = 0; k < n; k++) {
    const galaxy = k >= options.nStars;
    id[k] = k + 1;
    [raDeg[k], decDeg[k]] = randomPosition(rng, options);
    // Stars: Galactic-cap-like counts rising 0.3 dex/mag, bright end where 0.6" seeing nears saturation.
    const r = galaxy ? powerLawMag(rng, 18, 24.5, 0.35) : powerLawMag(rng, 16.5, 24.5, 0.3);
    const gr = galaxy ? rng.range(0.3, 1.2) : rng.range(0.2, 1.4);
    const ri = galaxy ? rng.range(0.2, 0.6) : 0.4 * gr - 0.05 + 0.05 * rng.gaussian();
    rMag[k] = r;
    gMag[k] = r + gr;
    iMag[k] = r - ri;
    isResolved.push(galaxy);
    if (galaxy) {
      galaxies.push({
        id: k + 1,
        // Log-normal sizes around 0.5" (faint field galaxies), clipped to stay well resolved or compact.
        halfLightRadiusArcsec: Math.min(2, Math.max(0.2, 0.5 * Math.exp(0.4 * rng.gaussian()))),
        axisRatio: rng.range(0.3, 1),
        positionAngleDeg: rng.range(0, 180),
      });
    }
  }
  return { refcat: { id, raDeg, decDeg, gMag, rMag, iMag, isResolved }, galaxies };
}

function colouredMags(r: number, gr: number, ri: number): Record<Band, number> {
  return { g: r + gr, r, i: r - ri };
}

/**
 * Transients (70% offset from a host galaxy by up to 1.5 half-light radii, the rest hostless)
 * peaking within 3 days of the observing window, and variable stars picked among refcat stars.
 */
export function generateTransients(options: ResolvedOptions, sky: Sky, mjdRange: [number, number]): TruthTransient[] {
  const rng = new Rng(options.seed, 'transients');
  const out: TruthTransient[] = [];
  const { refcat, galaxies } = sky;
  const ra = refcat.raDeg as Float64Array;
  const dec = refcat.decDeg as Float64Array;
  for (let k = 0; k < options.nTransients; k++) {
    let position: [number, number];
    let hostId: number | null = null;
    if (galaxies.length > 0 && rng.uniform() < 0.7) {
      const host = galaxies[rng.int(galaxies.length)]!;
      hostId = host.id;
      const offsetDeg = (rng.range(0, 1.5) * host.halfLightRadiusArcsec) / 3600;
      const angle = rng.range(0, 2 * Math.PI);
      const hostDec = dec[host.id - 1]!;
      position = [ra[host.id - 1]! + (offsetDeg * Math.sin(angle)) / Math.cos(hostDec * DEG), hostDec + offsetDeg * Math.cos(angle)];
    } else {
      position = randomPosition(rng, options);
    }
    const lightCurve: LightCurve = {
      type: 'explosive',
      peakMjd: rng.range(mjdRange[0] - 3, mjdRange[1] + 3),
      riseDays: rng.range(2, 8),
      declineMagPerDay: rng.range(0.03, 0.1),
      peakMag: colouredMags(rng.range(19, 22.5), rng.range(-0.2, 0.5), rng.range(-0.1, 0.3)),
    };
    out.push({ id: TRANSIENT_ID_BASE + k, kind: 'transient', raDeg: position[0], decDeg: position[1], hostId, lightCurve });
  }
  const rMag = refcat.rMag as Float64Array;
  const candidates: number[] = [];
  for (let k = 0; k < options.nStars; k++) if (rMag[k]! > 17 && rMag[k]! < 22) candidates.push(k);
  for (let v = 0; v < options.nVariables && candidates.length > 0; v++) {
    const k = candidates.splice(rng.int(candidates.length), 1)[0]!;
    const lightCurve: LightCurve = {
      type: 'periodic',
      epochMjd: mjdRange[0] - rng.range(0, 5),
      periodDays: Math.exp(rng.range(Math.log(0.2), Math.log(5))),
      amplitudeMag: rng.range(0.1, 0.5),
      meanMag: { g: (refcat.gMag as Float64Array)[k]!, r: rMag[k]!, i: (refcat.iMag as Float64Array)[k]! },
    };
    out.push({ id: k + 1, kind: 'variable', raDeg: ra[k]!, decDeg: dec[k]!, hostId: k + 1, lightCurve });
  }
  return out;
}

/** Magnitude of a light curve at time mjd in a band; +Infinity when the source gives no light. */
export function lightCurveMag(lightCurve: LightCurve, mjd: number, band: Band): number {
  if (lightCurve.type === 'periodic') {
    return lightCurve.meanMag[band] + lightCurve.amplitudeMag * Math.sin((2 * Math.PI * (mjd - lightCurve.epochMjd)) / lightCurve.periodDays);
  }
  const { peakMjd, riseDays, declineMagPerDay, peakMag } = lightCurve;
  if (mjd >= peakMjd) return peakMag[band] + declineMagPerDay * (mjd - peakMjd);
  const phase = (mjd - (peakMjd - riseDays)) / riseDays;
  if (phase <= 0) return Number.POSITIVE_INFINITY;
  // Flux ∝ phase², a fireball-like rise.
  return peakMag[band] - 5 * Math.log10(phase);
}
