import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrationErrorConfig, runCalibrationError, runWcsResidual } from '../../pipelines/drp/metrics/calibrationQuality.ts';
import type { CatalogValue, MeasurementValue } from '../../pipelines/framework/values.ts';
import { Rng } from '../../pipelines/simcam/index.ts';
import { judgeSpecs } from '../../server/metrics/spec-judge.ts';
import { loadMetricsPackage } from '../../server/metrics/verify/index.ts';

/**
 * The per detector-visit calibration metrics on synthetic catalogs, judged by the design specs of
 * pipelines/metrics: a broken WCS or zero point on one detector-visit fails that data ID.
 */

const rng = new Rng(5, 'calibration-metrics');
const RA0 = 150.1;
const DEC0 = 2.2;
const N = 60;
const cosDec = Math.cos((DEC0 * Math.PI) / 180);

const truth: CatalogValue = {
  columns: {
    kind: new Array<string>(N).fill('star'),
    xPx: Float64Array.from({ length: N }, (_, k) => 20 + (k % 10) * 50),
    yPx: Float64Array.from({ length: N }, (_, k) => 20 + Math.floor(k / 10) * 80),
    raDeg: Float64Array.from({ length: N }, (_, k) => RA0 + ((k % 10) * 10) / 3600 / cosDec),
    decDeg: Float64Array.from({ length: N }, (_, k) => DEC0 + (Math.floor(k / 10) * 16) / 3600),
  },
  metadata: {},
};

/** A src catalog of the truth stars, sky positions off by 10 mas per axis of noise and shifted by shiftMas east (a broken WCS). */
function src(shiftMas: number): CatalogValue {
  const ra = truth.columns.raDeg as Float64Array;
  const dec = truth.columns.decDeg as Float64Array;
  return {
    columns: {
      xPx: Float64Array.from(truth.columns.xPx as Float64Array, (x) => x + 0.05 * rng.gaussian()),
      yPx: Float64Array.from(truth.columns.yPx as Float64Array, (y) => y + 0.05 * rng.gaussian()),
      snr: new Float64Array(N).fill(100),
      raDeg: Float64Array.from(ra, (r) => r + (shiftMas + 10 * rng.gaussian()) / 3.6e6 / cosDec),
      decDeg: Float64Array.from(dec, (d) => d + (10 * rng.gaussian()) / 3.6e6),
      flagEdge: new Array<boolean>(N).fill(false),
      flagSaturated: new Array<boolean>(N).fill(false),
      flagCr: new Array<boolean>(N).fill(false),
    },
    metadata: { astromRmsArcsec: '0.01' },
  };
}

const design = [...loadMetricsPackage(path.resolve('pipelines/metrics')).specs.specs.values()];
const specFor = (metric: string) => design.filter((s) => s.metricName === `simcam_drp.${metric}`);

describe('WcsResidual', () => {
  it('measures the RMS distance from the true positions: ~sqrt(2) x 10 mas for 10 mas per axis', () => {
    const m = runWcsResidual(src(0), truth, 50);
    expect(m.metric).toBe('simcam_drp.WcsResidual');
    expect(m.extras!.nStars!.value).toBe(N);
    // 2-D RMS of 60 stars: relative standard deviation 1/sqrt(2·120) ≈ 6.5%; 3 sigma.
    expect(Math.abs(m.value! / (Math.SQRT2 * 10) - 1)).toBeLessThan(0.2);
  });

  it('a deliberately broken WCS on one detector-visit fails its spec by data ID', () => {
    const specs = specFor('WcsResidual');
    expect(specs.map((s) => s.name)).toEqual(['simcam_drp.WcsResidual.design']);
    const rows = [];
    for (const visit of [1, 2]) {
      for (const detector of [0, 1, 2, 3]) {
        const broken = visit === 2 && detector === 1;
        const m: MeasurementValue = runWcsResidual(src(broken ? 200 : 0), truth, 50);
        rows.push({ value: m.value, unit: m.unit, dataId: { instrument: 'SimCam', visit, detector }, extras: m.extras });
      }
    }
    const [verdict] = judgeSpecs(specs, rows, 'mas');
    expect(verdict).toMatchObject({ pass: false, failingDataIds: 1, worstDataId: { instrument: 'SimCam', visit: 2, detector: 1 } });
    expect(verdict!.worstValue!).toBeGreaterThan(190);
    // Pooled over the 8 detector-visits the RMS is still small-ish: a mean would hide it further.
    const healthy = judgeSpecs(specs, rows.filter((r) => !(r.dataId.visit === 2 && r.dataId.detector === 1)), 'mas');
    expect(healthy[0]!.pass).toBe(true);
  });
});

describe('CalibrationError', () => {
  /** src and truth of one calexp: 40 stars of known magnitude, calibrated with a zero-point error. */
  function calexp(zpErrorMag: number): { src: CatalogValue; truth: CatalogValue } {
    const n = 40;
    const mag = Float64Array.from({ length: n }, (_, k) => 18 + k * 0.05);
    const x = Float64Array.from({ length: n }, (_, k) => 20 + (k % 8) * 60);
    const y = Float64Array.from({ length: n }, (_, k) => 20 + Math.floor(k / 8) * 90);
    return {
      truth: { columns: { kind: new Array<string>(n).fill('star'), saturated: new Array<boolean>(n).fill(false), xPx: x, yPx: y, mag }, metadata: {} },
      src: {
        columns: {
          xPx: Float64Array.from(x, (v) => v + 0.05 * rng.gaussian()),
          yPx: Float64Array.from(y, (v) => v + 0.05 * rng.gaussian()),
          psfMag: Float64Array.from(mag, (m) => m + zpErrorMag + 0.005 * rng.gaussian()),
          snr: new Float64Array(n).fill(200),
          extendedness: new Float64Array(n),
          flagEdge: new Array<boolean>(n).fill(false),
          flagSaturated: new Array<boolean>(n).fill(false),
          flagCr: new Array<boolean>(n).fill(false),
        },
        metadata: {},
      },
    };
  }

  it('is the zero-point error of calibrated magnitudes against truth, and a bad exposure fails by data ID', () => {
    const good = calexp(0.001);
    const m = runCalibrationError(good.src, good.truth, calibrationErrorConfig.parse({}));
    expect(m.metric).toBe('simcam_drp.CalibrationError');
    expect(m.extras!.nStars!.value).toBe(40);
    // Median of 40 values with 5 mmag scatter: standard error 1.25·5/sqrt(40) ≈ 1 mmag; 3 sigma.
    expect(Math.abs(m.extras!.offsetMmag!.value - 1)).toBeLessThan(3);
    const bad = calexp(-0.03);
    const rows = [good, bad].map((c, visit) => {
      const v = runCalibrationError(c.src, c.truth, calibrationErrorConfig.parse({}));
      return { value: v.value, unit: v.unit, dataId: { visit, detector: 0 }, extras: v.extras };
    });
    expect(rows[1]!.value!).toBeGreaterThan(27);
    const [verdict] = judgeSpecs(specFor('CalibrationError'), rows, 'mmag');
    expect(verdict).toMatchObject({ pass: false, failingDataIds: 1, worstDataId: { visit: 1, detector: 0 } });
  });
});
