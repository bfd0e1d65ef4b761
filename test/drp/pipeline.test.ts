import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../runner/pipeline/load.ts';
import { loadMetricsFile } from '../../server/metrics/verify/index.ts';

/** pipelines/drp.yaml loads, and its tasks' inputs and outputs line up. */

const FILE = path.resolve('pipelines/drp.yaml');

/** The fixed contract of dataset types the DRP reads from the repository (DESIGN.md §6). */
const EXTERNAL: Record<string, { dimensions: string[]; storageClass: string }> = {
  raw: { dimensions: ['instrument', 'visit', 'detector'], storageClass: 'Image' },
  bias: { dimensions: ['instrument', 'detector'], storageClass: 'Image' },
  flat: { dimensions: ['instrument', 'physical_filter', 'detector'], storageClass: 'Image' },
  refcat: { dimensions: [], storageClass: 'Catalog' },
  truth_sources: { dimensions: ['instrument', 'visit', 'detector'], storageClass: 'Catalog' },
  truth_transients: { dimensions: [], storageClass: 'Catalog' },
};

describe('pipelines/drp.yaml', () => {
  it('is accepted by the loader, tasks in dependency order', async () => {
    const p = await loadPipeline(FILE);
    const order = p.tasks.map((t) => t.label);
    // 13 tasks plus the per detector-visit calibration metrics (wcsResidual, calibrationError).
    expect(order).toHaveLength(15);
    const before = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));
    before('isr', 'characterizeImage');
    before('characterizeImage', 'calibrate');
    before('calibrate', 'makeWarp');
    before('makeWarp', 'assembleCoadd');
    before('assembleCoadd', 'detectCoadd');
    before('detectCoadd', 'forcedPhot');
    before('forcedPhot', 'photometricRepeatability');
  });

  it('reads exactly the contract dataset types from the repository, with their dimensions and storage classes', async () => {
    const p = await loadPipeline(FILE);
    const external = new Map<string, { dimensions: string[]; storageClass: string }>();
    for (const t of p.tasks) {
      for (const c of t.connections) {
        if (c.kind === 'output' || p.producers.has(c.datasetType)) continue;
        external.set(c.datasetType, { dimensions: c.dimensions, storageClass: c.storageClass });
      }
    }
    expect(Object.fromEntries(external)).toEqual(EXTERNAL);
  });

  it('consumes every intermediate it produces, and keeps only the intermediates', async () => {
    const p = await loadPipeline(FILE);
    const consumed = new Set(p.tasks.flatMap((t) => t.connections.filter((c) => c.kind !== 'output').map((c) => c.datasetType)));
    for (const [type, { connection }] of p.producers) {
      if (connection.storageClass === 'Measurement') continue;
      const finalProducts = ['src', 'calexp', 'deepCoadd', 'deepCoadd_det', 'forced_src', 'icSrc'];
      expect(consumed.has(type) || finalProducts.includes(type), type).toBe(true);
    }
    const notPersisted = [...p.producers].filter(([, { connection }]) => !connection.persist).map(([type]) => type).sort();
    expect(notPersisted).toEqual(['deepCoadd_directWarp', 'icExp', 'postISRCCD']);
  });

  it('writes one dataset per simcam_drp metric, each defined in pipelines/metrics/metrics/simcam_drp.yaml', async () => {
    const p = await loadPipeline(FILE);
    const metrics = new Set(loadMetricsFile(path.resolve('pipelines/metrics/metrics/simcam_drp.yaml')).map((m) => m.name));
    const written = [...p.producers.keys()].filter((t) => t.startsWith('metricvalue_')).map((t) => t.replace(/^metricvalue_simcam_drp_/, 'simcam_drp.'));
    expect(new Set(written)).toEqual(metrics);
  });

  it('takes config overrides and rejects unknown config fields', async () => {
    const p = await loadPipeline(FILE, { isr: { doFlat: false }, characterizeImage: { thresholdSigma: 6 } });
    expect(p.tasks.find((t) => t.label === 'isr')!.config.doFlat).toBe(false);
    expect(p.tasks.find((t) => t.label === 'characterizeImage')!.config.thresholdSigma).toBe(6);
    await expect(loadPipeline(FILE, { calibrate: { matchRadius: 3 } })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
