import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments, parseDocument, isMap } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkMetricsPackage, loadMetricsFile, loadMetricsPackage, type MetricsPackage } from '../../../server/metrics/verify/index.ts';
import { VERIFY_METRICS } from './support.ts';

/** Every YAML file below `dir`, recursively. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(e) ? [p] : [];
  });
}

// Counts taken straight from the YAML, without our loader: top-level keys of metric files,
// and documents with / without an `id` in spec files.
function countMetricKeys(): number {
  return yamlFiles(join(VERIFY_METRICS, 'metrics')).reduce((n, f) => {
    const doc = parseDocument(readFileSync(f, 'utf8'), { version: '1.1' });
    return n + (isMap(doc.contents) ? doc.contents.items.length : 0);
  }, 0);
}

function countSpecDocuments(): { specs: number; partials: number } {
  let specs = 0;
  let partials = 0;
  for (const f of yamlFiles(join(VERIFY_METRICS, 'specs'))) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'), { version: '1.1', uniqueKeys: false })) {
      if (!isMap(doc.contents)) continue;
      if (doc.contents.has('id')) partials++;
      else specs++;
    }
  }
  return { specs, partials };
}

describe('the real verify_metrics tree', () => {
  let pkg: MetricsPackage;
  beforeAll(() => {
    pkg = loadMetricsPackage(VERIFY_METRICS);
  });

  it('loads every metric file, one metric per top-level key', () => {
    expect(pkg.metrics.size).toBe(countMetricKeys());
    expect(pkg.metrics.size).toBeGreaterThan(100);
  });

  it('loads every specification document and partial', () => {
    const counted = countSpecDocuments();
    expect(pkg.specs.specs.size).toBe(counted.specs);
    expect(pkg.specs.partials.size).toBe(counted.partials);
    const sources = [...pkg.specs.specs.values()].map((s) => `${s.source?.file}#${s.source?.document}`);
    expect(new Set(sources).size).toBe(sources.length);
    expect(pkg.specs.duplicates).toEqual([]);
  });

  it('loads each metric file on its own, named after its package', () => {
    for (const f of yamlFiles(join(VERIFY_METRICS, 'metrics'))) {
      const metrics = loadMetricsFile(f);
      expect(metrics.length).toBeGreaterThan(0);
      for (const m of metrics) expect(m.name).toBe(`${basename(f, '.yaml')}.${m.metric}`);
    }
  });

  it('reads PA1 as written in metrics/validate_drp.yaml', () => {
    const pa1 = pkg.metrics.get('validate_drp.PA1');
    expect(pa1).toMatchObject({
      package: 'validate_drp',
      metric: 'PA1',
      description: 'The maximum rms of the unresolved source magnitude distribution around the mean value.',
      tags: ['photometry'],
      reference: { doc: 'LPM-17', url: 'http://ls.st/lpm-17', page: 21 },
    });
    expect(pa1?.unit.canonical).toBe('mmag');
  });

  it('resolves anchors, << merges and merged !!set tags in metric files', () => {
    // ap_association.yaml: DiaPipelineCpuTime is `<<: *CpuTime` plus its own description.
    expect(pkg.metrics.get('ap_association.DiaPipelineCpuTime')).toMatchObject({
      description: 'CPU time elapsed in DiaPipelineTask.',
      tags: ['ap_verify', 'workflow', 'task'],
    });
    expect(pkg.metrics.get('ap_association.DiaPipelineCpuTime')?.unit.text).toBe('s');
    // ip_diffim.yaml: numSciSources has `tags: !!set {<<: *CcdMetric, ? monitoring}`.
    expect(pkg.metrics.get('ip_diffim.numSciSources')?.tags).toEqual(['ap_verify', 'diffim', 'CCD', 'monitoring']);
    // pipe_analysis.yaml: a reference citing two papers keeps both.
    const rho = pkg.metrics.get('pipe_analysis.rhoStatistics0_HSM_smallScale_allStars');
    expect(rho?.reference.doc).toHaveLength(2);
    expect(rho?.unit.text).toBe('');
  });

  it('reads an empty folded unit (`unit: >`) as dimensionless', () => {
    expect(pkg.metrics.get('jointcal.astrometry_prepared_ccdImages')?.unit.dims).toEqual({});
  });

  it('resolves a partial base in the same file (LPM-17-PA1.yaml)', () => {
    const s = pkg.specs.specs.get('validate_drp.PA1.design_gri');
    expect(s?.toString()).toBe('<= 5 mmag');
    expect(s?.metricName).toBe('validate_drp.PA1');
    expect(s?.tags).toEqual(['PA1', 'chromatic', 'design']);
    expect(s?.metadataQuery).toEqual({});
    expect(s?.source?.file).toBe('specs/validate_drp/LPM-17-PA1.yaml');
    expect(pkg.specs.specs.get('validate_drp.PA1.stretch_uzy')?.threshold.value).toBe(4.5);
  });

  it('resolves a specification base plus a partial in another file (cfht_gri/PA1.yaml)', () => {
    const s = pkg.specs.specs.get('validate_drp.PA1.cfht_design_g');
    expect(s?.toString()).toBe('<= 5 mmag');
    // From cfht_gri/base.yaml: `cfht-g` inherits `#cfht` and adds the filter.
    expect(s?.metadataQuery).toEqual({
      instrument: 'CFHT',
      dataset_repo_url: 'https://github.com/lsst/validation_data_cfht.git',
      dataset_name: 'validation_data_cfht',
      visits: [849375, 850587],
      ccds: [12, 13, 14, 21, 22, 23],
      filter_name: 'g',
    });
    expect(pkg.specs.specs.get('validate_drp.PA1.cfht_minimum_i')?.threshold.value).toBe(8);
  });

  it('takes the metric from the document, a partial, or a fully qualified partial metric', () => {
    // ADx.yaml: `metric: "AD1_design"`, `name: "srd"`, threshold unit from `#AD1-base`.
    const ad1 = pkg.specs.specs.get('validate_drp.AD1_design.srd');
    expect(ad1?.threshold).toMatchObject({ value: 20, operator: '<=', unit: { text: 'milliarcsecond', canonical: 'marcsec' } });
    expect(ad1?.tags).toEqual(['AD1', 'achromatic', 'design']);
    // release_stretch_specs.yaml: partial `#AD1-base` says `metric: 'validate_drp.AD1_stretch'`.
    expect(pkg.specs.specs.get('validate_drp.AD1_stretch.FY17')?.toString()).toBe('<= 20 marcsec');
    // AMx.yaml: the same spec name under three metrics.
    expect(pkg.specs.specs.get('validate_drp.AM1.design')?.threshold.value).toBe(10);
    expect(pkg.specs.specs.get('validate_drp.AM3.design')?.threshold.value).toBe(15);
  });

  it('chains specification inheritance across files (cfht_ugrizy/compound_release.yaml)', () => {
    const s = pkg.specs.specs.get('validate_drp.AD1_stretch.cfht_FY17');
    expect(s?.toString()).toBe('<= 20 marcsec');
    expect(s?.tags).toEqual(['achromatic', 'release']);
    expect(s?.metadataQuery).toMatchObject({ instrument: 'CFHT', visits: [849375, 850587] });
  });

  it('gives every specification a metric that metrics/ defines, in a compatible unit', () => {
    for (const s of pkg.specs.specs.values()) {
      const metric = pkg.metrics.get(s.metricName);
      expect(metric, s.name).toBeDefined();
      expect(metric?.unit.dims, s.name).toEqual(s.threshold.unit.dims);
    }
    expect(checkMetricsPackage(pkg)).toEqual([]);
  });
});
