import { defineTask, single, z, type CatalogValue, type ImageValue } from 'vera/task';

/**
 * Quick photometry of one SimCam detector-visit, scored against the truth drawn on it:
 *
 *   image = (raw - bias) * gain / flat                       [electrons]
 *   flux  = sum over an aperture of radius apertureFwhm * FWHM of (image - background)
 *   noise = sqrt(max(flux, 0) + aperture pixels * (background + read noise^2))
 *
 * at each truth star's position. Two metrics (package `quickphot`, metrics/):
 *
 *   Completeness = truth stars with S/N >= minTruthSnr whose measured S/N reaches detectionSnr  [%]
 *   PhotRms      = robust RMS (1.4826 MAD) of measured minus true magnitude of bright stars,
 *                  after removing their median (the aperture correction)                        [mmag]
 */
export const photometry = defineTask({
  description: 'aperture photometry at the truth positions; completeness and photometric RMS',
  config: z
    .object({
      /** Aperture radius in units of the visit's PSF FWHM. */
      apertureFwhm: z.number().positive().default(1.5),
      /** Measured S/N a star must reach to count as detected. */
      detectionSnr: z.number().positive().default(5),
      /** Truth stars fainter than this (noise-model S/N) are not expected to be found. */
      minTruthSnr: z.number().positive().default(10),
      /** Stars at least this bright (truth S/N) enter PhotRms. */
      brightSnr: z.number().positive().default(100),
      /** `global`: one median sky per detector; `annulus`: a local sky around each star. */
      background: z.enum(['global', 'annulus']).default('global'),
    })
    .strict(),
  connections: {
    raw: { kind: 'input', storageClass: 'Image' },
    bias: { kind: 'calibration', storageClass: 'Image' },
    flat: { kind: 'calibration', storageClass: 'Image' },
    truth: { kind: 'prerequisite', storageClass: 'Catalog' },
    completeness: { kind: 'output', storageClass: 'Measurement' },
    photRms: { kind: 'output', storageClass: 'Measurement' },
  },
  run(inputs, config, ctx) {
    const raw = single<ImageValue>(inputs, 'raw').value;
    const bias = single<ImageValue>(inputs, 'bias').value;
    const flat = single<ImageValue>(inputs, 'flat').value;
    const truth = single<CatalogValue>(inputs, 'truth').value;
    const { width, height } = raw.image;
    const gain = Number(truth.metadata.gainEPerAdu);
    const readNoise = Number(truth.metadata.readNoiseE);
    const fwhm = Number(truth.metadata.psfFwhmPx);
    const image = new Float64Array(width * height);
    for (let i = 0; i < image.length; i++) image[i] = ((raw.image.data[i]! - bias.image.data[i]!) * gain) / flat.image.data[i]!;
    const globalSky = median(Array.from(image));
    const radius = config.apertureFwhm * fwhm;
    const r = Math.ceil(radius);

    const localSky = (cx: number, cy: number): number => {
      if (config.background === 'global') return globalSky;
      const ring: number[] = [];
      const inner = radius + 2;
      const outer = radius + 6;
      for (let y = Math.floor(cy - outer); y <= Math.ceil(cy + outer); y++) {
        for (let x = Math.floor(cx - outer); x <= Math.ceil(cx + outer); x++) {
          if (x < 0 || y < 0 || x >= width || y >= height) continue;
          const d = Math.hypot(x - cx, y - cy);
          if (d >= inner && d <= outer) ring.push(image[y * width + x]!);
        }
      }
      return ring.length > 10 ? median(ring) : globalSky;
    };

    const t = truth.columns;
    const xs = t.xPx as Float64Array;
    const ys = t.yPx as Float64Array;
    const fluxE = t.fluxE as Float64Array;
    const snr = t.snr as Float64Array;
    const kind = t.kind as string[];
    const onDetector = t.onDetector as boolean[];
    const saturated = t.saturated as boolean[];
    let selected = 0;
    let found = 0;
    const residuals: number[] = [];
    for (let k = 0; k < xs.length; k++) {
      const cx = xs[k]!;
      const cy = ys[k]!;
      if (kind[k] !== 'star' || !onDetector[k] || saturated[k] || snr[k]! < config.minTruthSnr) continue;
      // Stars whose aperture leaves the detector are not measured.
      if (cx - r < 0 || cy - r < 0 || cx + r >= width || cy + r >= height) continue;
      const sky = localSky(cx, cy);
      let flux = 0;
      let pixels = 0;
      for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
        for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
          if (Math.hypot(x - cx, y - cy) > radius) continue;
          flux += image[y * width + x]! - sky;
          pixels++;
        }
      }
      const noise = Math.sqrt(Math.max(flux, 0) + pixels * (Math.max(sky, 0) + readNoise * readNoise));
      selected++;
      if (flux / noise >= config.detectionSnr) found++;
      if (snr[k]! >= config.brightSnr && flux > 0) residuals.push(-2.5 * Math.log10(flux / fluxE[k]!));
    }
    const offset = median(residuals);
    const rms = residuals.length >= 3 ? 1000 * 1.4826 * median(residuals.map((d) => Math.abs(d - offset))) : null;
    ctx.log(`visit ${ctx.dataId.visit} detector ${ctx.dataId.detector}: ${found}/${selected} stars detected, PhotRms over ${residuals.length} bright stars`);
    return {
      completeness: {
        metric: 'quickphot.Completeness',
        value: selected > 0 ? (100 * found) / selected : null,
        unit: '%',
        extras: { nTruth: { value: selected, unit: '', label: `truth stars with S/N >= ${config.minTruthSnr}` }, nFound: { value: found, unit: '', label: 'of them detected' } },
      },
      photRms: { metric: 'quickphot.PhotRms', value: rms, unit: 'mmag', extras: { nStars: { value: residuals.length, unit: '', label: `stars with S/N >= ${config.brightSnr}` } } },
    };
  },
});

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
