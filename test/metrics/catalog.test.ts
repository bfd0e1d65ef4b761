import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importMetricsPackage, listMetrics, listSpecifications } from '../../server/metrics/catalog.ts';
import { ingestJob } from '../../server/metrics/ingest-job.ts';
import { loadMetricsPackage, parseJobJson } from '../../server/metrics/verify/index.ts';
import { countRows, useTestDatabase } from '../support/db.ts';
import { VERIFY_METRICS } from './verify/support.ts';
import { makeActor } from '../support/factories.ts';

const t = useTestDatabase();
const here = path.dirname(fileURLToPath(import.meta.url));
const JOB = path.resolve(here, '../fixtures/verify/CfhtQuick_output_r.json.gz');

describe('vera metrics import', () => {
  it('imports the real verify_metrics tree as it is: every metric and resolved specification', async () => {
    const dev = await makeActor(t.db);
    const pkg = loadMetricsPackage(VERIFY_METRICS);
    const summary = await importMetricsPackage(t.db, VERIFY_METRICS, dev);
    expect(summary).toMatchObject({ metrics: pkg.metrics.size, specifications: pkg.specs.specs.size, problems: [] });
    expect(await countRows(t.db, 'metrics')).toBe(pkg.metrics.size);
    expect(await countRows(t.db, 'specifications')).toBe(pkg.specs.specs.size);

    const pa1 = (await listMetrics(t.db, { package: 'validate_drp' })).find((m) => m.name === 'validate_drp.PA1')!;
    expect(pa1.unit).toBe('mmag');
    const specs = await listSpecifications(t.db, { metric: 'validate_drp.PA1' });
    // LPM-17-PA1.yaml: design_gri inherits operator and unit from #PA1-base; hsc_gri/PA1.yaml's hsc_design_r adds hsc_gri/base.yaml#hsc-r's query.
    expect(specs.find((s) => s.name === 'validate_drp.PA1.design_gri')).toMatchObject({ operator: '<=', value: 5, unit: 'mmag' });
    const hsc = specs.find((s) => s.name === 'validate_drp.PA1.hsc_design_r')!;
    expect(hsc).toMatchObject({ operator: '<=', value: 5, unit: 'mmag' });
    expect(hsc.metadataQuery).toMatchObject({ instrument: 'HSC', filter_name: 'HSC-R', dataset_name: 'validation_data_hsc' });

    // Importing again updates in place.
    await importMetricsPackage(t.db, VERIFY_METRICS, dev);
    expect(await countRows(t.db, 'metrics')).toBe(pkg.metrics.size);
  });

  it('refuses a specification whose unit cannot be compared with its metric, naming both, and writes nothing', async () => {
    const dev = await makeActor(t.db);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-metrics-'));
    fs.mkdirSync(path.join(root, 'metrics'));
    fs.mkdirSync(path.join(root, 'specs', 'demo'), { recursive: true });
    fs.writeFileSync(path.join(root, 'metrics', 'demo.yaml'), 'PA1:\n  description: repeatability\n  unit: mmag\n  reference: {}\n  tags: []\n');
    fs.writeFileSync(path.join(root, 'specs', 'demo', 'PA1.yaml'), "name: design\nmetric: PA1\nthreshold:\n  operator: '<='\n  value: 5\n  unit: arcsec\n");
    try {
      const err = await importMetricsPackage(t.db, root, dev).catch((e) => e);
      expect(err.code).toBe('UNIT_INCOMPATIBLE');
      expect(err.message).toContain("'arcsec'");
      expect(err.message).toContain("'mmag'");
      expect(await countRows(t.db, 'metrics')).toBe(0);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('lsst.verify Job ingest', () => {
  it('ingests a real Job JSON: one measurement row per measurement, NaN as no value; a repeat is refused', async () => {
    const dev = await makeActor(t.db);
    const text = zlib.gunzipSync(fs.readFileSync(JOB)).toString('utf8');
    const job = parseJobJson(text);
    const res = await ingestJob(t.db, text, { dataset: 'CFHT/validation_data_cfht', commit: 'abc123', branch: 'main', importDefinitions: true }, dev);
    expect(res.ingested).toBe(job.measurements.length);
    expect(await countRows(t.db, 'measurements')).toBe(job.measurements.length);
    expect(await countRows(t.db, 'metrics')).toBe(job.metrics.length);
    const { queryRows, sql } = await import('../../server/db/client.ts');
    const nulls = await queryRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM measurements WHERE value IS NULL`);
    expect(nulls[0]!.n).toBe(job.measurements.filter((m) => Number.isNaN(m.quantity.value)).length);
    const pa1 = job.measurements.find((m) => m.metric === 'validate_drp.PA1')!;
    const [row] = await queryRows<{ value: number; unit: string }>(t.db, sql`SELECT value, unit FROM measurements WHERE metric_name = 'validate_drp.PA1'`);
    expect(row).toEqual({ value: pa1.quantity.value, unit: pa1.quantity.unit.text });
    await expect(ingestJob(t.db, text, { dataset: 'CFHT' }, dev)).rejects.toMatchObject({ code: 'DATASET_CONFLICT' });

    // A NaN is a failed point of its series, kept apart from the statistics, not dropped.
    const { loadSeries } = await import('../../server/metrics/series.ts');
    const nan = job.measurements.find((m) => Number.isNaN(m.quantity.value))!;
    const [standing] = await queryRows<{ counts_as: 'branch' | 'developer' }>(t.db, sql`SELECT counts_as FROM measurements WHERE metric_name = ${nan.metric}`);
    const series = await loadSeries(t.db, { metric: nan.metric, dataset: 'CFHT/validation_data_cfht', branch: 'main', standing: standing!.counts_as });
    const nans = job.measurements.filter((m) => m.metric === nan.metric && Number.isNaN(m.quantity.value)).length;
    expect(series.unmeasured).toEqual([{ commit: 'abc123', position: 0, n: nans, values: ['NaN'] }]);
    expect(series.points.reduce((n, p) => n + p.n, 0)).toBe(job.measurements.filter((m) => m.metric === nan.metric).length - nans);
  });
});

describe('detection configs from YAML', () => {
  it('loads the shipped simcam_drp configs, and refuses a bad file whole, naming the metric and field', async () => {
    const { importDetectionConfigs, detectionConfigOf } = await import('../../server/metrics/specs-db.ts');
    const file = path.resolve(here, '../../pipelines/metrics/detection.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const n = await importDetectionConfigs(t.db, text, file);
    // One config per metric the file names (its top-level keys), every one loaded.
    expect(n).toBe((text.match(/^simcam_\w+\.\w+:/gm) ?? []).length);
    expect(n).toBeGreaterThanOrEqual(9);
    const c = await detectionConfigOf(t.db, 'simcam_drp.Completeness');
    expect(c.stored).toBe(true);
    expect(c.config.direction).toBe('higher_is_better');
    expect(c.config.absolute).toMatchObject({ threshold: 5, unit: '%' });

    const bad = 'a.one: { direction: lower_is_better }\nb.two: { direction: up }\n';
    const err = await importDetectionConfigs(t.db, bad, 'bad.yaml').catch((e) => e);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain("bad.yaml: metric 'b.two'");
    expect(err.message).toContain("field 'direction'");
    expect((await detectionConfigOf(t.db, 'a.one')).stored).toBe(false);
  });
});
