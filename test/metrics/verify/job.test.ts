import { beforeAll, describe, expect, it } from 'vitest';
import {
  convertQuantity,
  evaluateJob,
  loadMetricsPackage,
  parseJobJson,
  parseMeasurementYaml,
  subsetSpecs,
  type Job,
  type MetricsPackage,
} from '../../../server/metrics/verify/index.ts';
import { expectVeraError, fixtureText, VERIFY_METRICS } from './support.ts';

// A real Job written by lsst.verify for validate_drp's CFHT r-band test run (see SOURCE.md).
const JOB_FILE = 'CfhtQuick_output_r.json.gz';

describe('a real lsst.verify Job JSON (validate_drp CfhtQuick_output_r.json)', () => {
  let text: string;
  let job: Job;
  let pkg: MetricsPackage;
  // The same file read by plain JSON.parse once Python's bare NaN tokens are nulled: an
  // independent view to count against.
  let raw: {
    measurements: Array<{ metric: string; value: number | null; unit: string; blob_refs: string[] }>;
    blobs: Array<{ identifier: string; name: string }>;
    metrics: unknown[];
    specs: unknown[];
    meta: Record<string, unknown>;
  };

  beforeAll(() => {
    text = fixtureText(JOB_FILE);
    job = parseJobJson(text, JOB_FILE);
    raw = JSON.parse(text.replace(/\bNaN\b/g, 'null'));
    pkg = loadMetricsPackage(VERIFY_METRICS);
  });

  it('parses every section, NaN values included', () => {
    expect(text).toMatch(/\bNaN\b/);
    expect(job.measurements).toHaveLength(raw.measurements.length);
    expect(job.blobs).toHaveLength(raw.blobs.length);
    expect(job.metrics).toHaveLength(raw.metrics.length);
    expect(job.specs).toHaveLength(raw.specs.length);
    expect(job.meta).toEqual({ instrument: 'CFHT', filter_name: 'r', dataset_repo_url: 'https://github.com/lsst/validation_data_cfht.git' });
    const unmeasured = raw.measurements.filter((m) => m.value === null).map((m) => m.metric);
    expect(job.measurements.filter((m) => Number.isNaN(m.quantity.value)).map((m) => m.metric)).toEqual(unmeasured);
    expect(unmeasured).toContain('validate_drp.AM2');
  });

  it('links measurements to their blobs and extras', () => {
    const am1 = job.measurements.find((m) => m.metric === 'validate_drp.AM1');
    expect(am1?.quantity.value).toBe(12.140689964867782);
    expect(am1?.quantity.unit.canonical).toBe('marcsec');
    expect(am1?.blobs.map((b) => b.identifier)).toEqual(raw.measurements[0]?.blob_refs);
    expect(am1?.blobs.map((b) => b.name)).toContain('MatchedMultiVisitDataset');
    // The blob named after the metric holds the measurement's extras.
    expect(am1?.extras.D).toEqual({ value: 5, unit: 'arcmin', label: 'Distance', description: 'Radial distance of annulus (arcmin)' });
    expect(Object.keys(am1?.extras ?? {})).toEqual(['D', 'Width', 'magRange', 'annulus', 'rmsDistMas']);
  });

  it('carries exactly the specifications that resolving verify_metrics gives', () => {
    // lsst.verify resolved and serialized these 1672 specifications; resolving the YAML here
    // must give the same thresholds, metadata queries and tags.
    for (const js of job.specs) {
      const mine = pkg.specs.specs.get(js.name);
      expect(mine, js.name).toBeDefined();
      if (!mine) continue;
      expect(mine.threshold.operator, js.name).toBe(js.threshold.operator);
      expect(convertQuantity({ value: mine.threshold.value, unit: mine.threshold.unit }, js.threshold.unit).value, js.name).toBeCloseTo(
        js.threshold.value,
        9,
      );
      expect(mine.metadataQuery, js.name).toEqual(js.metadataQuery);
      expect([...mine.tags].sort(), js.name).toEqual([...js.tags].sort());
    }
  });

  it('evaluates measurements against the specifications that apply to the job', () => {
    const checks = evaluateJob(job, pkg.specs);
    const status = new Map(checks.map((c) => [c.spec.name, c.status]));
    expect(status.get('validate_drp.PA1.design_gri')).toBe('failed'); // 16.48 mmag > 5
    expect(status.get('validate_drp.PA1.FY17_cfht_r')).toBe('failed'); // > 8
    expect(status.get('validate_drp.AM1.minimum')).toBe('passed'); // 12.14 <= 20
    expect(status.get('validate_drp.AM1.design')).toBe('failed'); // > 10
    expect(status.get('validate_drp.AF1_design.srd')).toBe('passed'); // 4.2 % <= 10 %
    expect(status.get('validate_drp.AM2.design')).toBe('unmeasured');
    // Not for this job: another filter, or terms the job's metadata does not have.
    expect(status.has('validate_drp.PA1.FY17_cfht_g')).toBe(false);
    expect(status.has('validate_drp.PA1.cfht_design_r')).toBe(false);
    for (const c of checks) expect(c.spec.queryMetadata(job.meta)).toBe(true);
    const names = checks.map((c) => c.spec.name);
    expect(names).toEqual([...names].sort());
  });

  it('gives the same verdicts whatever units the measurements are expressed in', () => {
    const other: Record<string, string> = { marcsec: 'arcsec', mmag: 'mag', '%': '' };
    const converted: Job = {
      ...job,
      metrics: [],
      measurements: job.measurements.map((m) => ({ ...m, quantity: convertQuantity(m.quantity, other[m.quantity.unit.text] ?? m.quantity.unit) })),
    };
    const a = evaluateJob(job, pkg.specs).map((c) => [c.spec.name, c.status]);
    const b = evaluateJob(converted, pkg.specs).map((c) => [c.spec.name, c.status]);
    expect(b).toEqual(a);
  });

  it('uses the specifications the job carries by default', () => {
    const own = evaluateJob(job).map((c) => [c.spec.name, c.status]);
    const names = new Set(job.specs.map((s) => s.name));
    const fromYaml = evaluateJob(job, [...pkg.specs.specs.values()].filter((s) => names.has(s.name))).map((c) => [c.spec.name, c.status]);
    expect(own.length).toBeGreaterThan(0);
    expect(own).toEqual(fromYaml);
  });

  // validate_drp's report_performance picks release targets with arg-driven metadata subsets;
  // its expected reports (tests/CfhtQuick_output_r_report_*.rst) give the values to reproduce.
  it.each([
    ['CfhtQuick_output_r_report_design_FY17.rst', 'design', 'FY17'],
    ['CfhtQuick_output_r_report_minimum_FY18.rst', 'minimum', 'FY18'],
  ])('reproduces the release targets of %s', (file, srdLevel, release) => {
    const releaseSpecs = subsetSpecs(pkg.specs.specs.values(), { name: 'validate_drp', specTags: ['release'] });
    const rows = fixtureText(file)
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('=') && !l.includes('Operator'))
      .map((l) => l.trim().split(/\s+/));
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      const [metric, filter] = row;
      const target = row.at(-2) === '**' ? row.at(-3) : row.at(-2);
      const candidates = [
        ...subsetSpecs(releaseSpecs, { requiredMeta: { filter_name: filter, instrument: 'CFHT' }, specTags: ['chromatic'] }),
        ...subsetSpecs(releaseSpecs, { requiredMeta: { instrument: 'CFHT' }, specTags: ['achromatic'] }),
      ];
      const values = new Set<number>();
      for (const s of candidates) {
        const parts = s.metric.split('_');
        if (parts.length === 2 && parts[1] !== srdLevel) continue;
        if (parts[0] === metric && s.spec.includes(release)) values.add(s.threshold.value);
      }
      if (target === 'nan') expect(values.size, metric).toBe(0);
      else expect([...values], metric).toEqual([Number(target)]);
    }
  });
});

describe('Job JSON errors name the JSON path', () => {
  const good = {
    measurements: [{ metric: 'validate_drp.PA1', identifier: 'a1', value: 5.5, unit: 'mmag', blob_refs: [] }],
    blobs: [],
    metrics: [{ name: 'validate_drp.PA1', description: 'x', unit: 'mmag', tags: ['photometry'], reference: { doc: 'LPM-17', page: 21, url: null } }],
    specs: [],
    meta: { filter_name: 'r' },
  };
  const variant = (patch: (j: typeof good) => void): string => {
    const j = structuredClone(good);
    patch(j);
    return JSON.stringify(j);
  };

  it('accepts the minimal job', () => {
    const job = parseJobJson(JSON.stringify(good), 'ok.json');
    expect(job.measurements[0]?.quantity.value).toBe(5.5);
    expect(job.metrics[0]?.reference).toEqual({ doc: 'LPM-17', page: 21 });
  });

  it('names a field of the wrong type', () => {
    const text = variant((j) => ((j.measurements[0] as Record<string, unknown>).value = 'high'));
    const e = expectVeraError(() => parseJobJson(text, 'bad.json'), 'JOB_JSON', 'bad.json', 'measurements[0].value');
    expect(e.details).toMatchObject({ file: 'bad.json', path: 'measurements[0].value' });
  });

  it('names a missing field', () => {
    const text = variant((j) => delete (j.measurements[0] as Record<string, unknown>).metric);
    expectVeraError(() => parseJobJson(text, 'bad.json'), 'JOB_JSON', 'measurements[0].metric', 'missing');
  });

  it('names an unknown unit', () => {
    const text = variant((j) => (j.measurements[0]!.unit = 'furlong'));
    expectVeraError(() => parseJobJson(text, 'bad.json'), 'UNIT_UNKNOWN', 'bad.json', 'measurements[0].unit', "'furlong'");
  });

  it('refuses a measurement whose unit does not fit its metric', () => {
    const text = variant((j) => (j.measurements[0]!.unit = 'arcsec'));
    expectVeraError(() => parseJobJson(text, 'bad.json'), 'UNIT_INCOMPATIBLE', 'measurements[0].unit', "'arcsec'", "'mmag'");
  });

  it('names a bad specification threshold', () => {
    const text = variant((j) =>
      (j.specs as unknown[]).push({ name: 'validate_drp.PA1.x', type: 'threshold', threshold: { value: 1, unit: 'mmag', operator: '=<' }, metadata_query: {}, tags: [] }),
    );
    expectVeraError(() => parseJobJson(text, 'bad.json'), 'JOB_JSON', 'specs[0].threshold.operator');
  });

  it('reports a JSON syntax error with line and column', () => {
    expectVeraError(() => parseJobJson('{\n  "meta": {,}\n}', 'broken.json'), 'JOB_JSON', 'broken.json:2:');
  });
});

describe('a butler MetricValue YAML (lsst.verify yamlpersistance)', () => {
  it('parses the tagged measurement', () => {
    const m = parseMeasurementYaml(fixtureText('metricvalue_verify_testing.yaml'), 'metricvalue_verify_testing.yaml');
    expect(m.metric).toBe('verify.testing');
    expect(m.quantity.value).toBe(12);
    expect(m.quantity.unit.dims).toEqual({});
    expect(m.blobs).toEqual([{ identifier: '0e0f7a70747a4f4f9a711dcc6e70e257', name: 'verify.testing', data: {} }]);
  });

  it('reads datums and a NaN value', () => {
    const text = [
      '!<lsst.verify.Measurement>',
      'blobs:',
      '- !<lsst.verify.Blob>',
      '  data:',
      '    nStars: !<lsst.verify.Datum> {value: 12, unit: ct, label: stars, description: null}',
      '  identifier: b1',
      '  name: ap_association.numNewDiaObjects',
      'identifier: m1',
      'metric: ap_association.numNewDiaObjects',
      'notes: {ap_association.numNewDiaObjects.ccd: 12}',
      'unit: ct',
      'value: .nan',
    ].join('\n');
    const m = parseMeasurementYaml(text);
    expect(Number.isNaN(m.quantity.value)).toBe(true);
    expect(m.extras.nStars).toEqual({ value: 12, unit: 'ct', label: 'stars', description: null });
    expect(m.notes).toEqual({ ccd: 12 });
  });
});
