import { describe, expect, it } from 'vitest';
import { checkMetricsPackage, loadMetricsPackage, parseMetricsYaml, resolveSpecFiles, type SpecFile } from '../../../server/metrics/verify/index.ts';
import { expectVeraError, writeTree } from './support.ts';

const opts = { package: 'validate_drp', file: 'metrics/validate_drp.yaml' };

describe('bad metric files name the file and the key', () => {
  it('an unknown field', () => {
    const e = expectVeraError(
      () => parseMetricsYaml('PA1:\n  description: d\n  unit: mmag\n  unts: mag\n', opts),
      'METRIC_YAML',
      'metrics/validate_drp.yaml:4',
      "metric 'PA1'",
      "field 'unts': not a known field",
    );
    expect(e.details).toMatchObject({ file: 'metrics/validate_drp.yaml', key: 'PA1.unts', line: 4 });
  });

  it('a missing unit', () => {
    expectVeraError(() => parseMetricsYaml('PA1:\n  description: d\n', opts), 'METRIC_YAML', 'metrics/validate_drp.yaml', "metric 'PA1'", "'unit'", 'missing');
  });

  it('an unknown unit', () => {
    const e = expectVeraError(
      () => parseMetricsYaml('PA1:\n  description: d\n  unit: millimag\n', opts),
      'UNIT_UNKNOWN',
      'metrics/validate_drp.yaml:3',
      "metric 'PA1'",
      "'millimag'",
    );
    expect(e.details).toMatchObject({ key: 'PA1.unit' });
  });

  it('a metric that is not a mapping, and a file that is not one', () => {
    expectVeraError(() => parseMetricsYaml('PA1: mmag\n', opts), 'METRIC_YAML', "metric 'PA1'", 'mapping');
    expectVeraError(() => parseMetricsYaml('- PA1\n', opts), 'METRIC_YAML', 'metrics/validate_drp.yaml');
  });

  it('a YAML syntax error, with its line', () => {
    expectVeraError(() => parseMetricsYaml('PA1:\n  description: [d\n  unit: mmag\n', opts), 'METRIC_YAML', 'metrics/validate_drp.yaml:');
  });

  it('a metric name with dots', () => {
    expectVeraError(() => parseMetricsYaml('other.PA1:\n  description: d\n  unit: mmag\n', opts), 'METRIC_YAML', "metric 'other.PA1'");
  });

  it('through the package loader, with the path inside the package', () => {
    const root = writeTree({ 'metrics/pkg.yaml': 'm:\n  description: d\n  unit: 3\n' });
    expectVeraError(() => loadMetricsPackage(root), 'METRIC_YAML', 'metrics/pkg.yaml:3', "metric 'm'", "field 'unit'");
  });
});

function spec(yamlId: string, text: string): SpecFile {
  return { package: 'pkg', yamlId, file: `specs/pkg/${yamlId}.yaml`, text };
}

describe('bad specification files name the file, the document and the key', () => {
  it('a base partial that does not exist', () => {
    const e = expectVeraError(
      () => resolveSpecFiles([spec('a', `---\nmetric: m\nname: s\nthreshold: {operator: '<', value: 1, unit: s}\n---\nname: t\nbase: '#nope'\n`)]),
      'SPEC_UNRESOLVED',
      'specs/pkg/a.yaml (document 2)',
      "'pkg:a#nope'",
    );
    expect(e.details).toMatchObject({ key: 'base', document: 2 });
  });

  it('a base specification that does not exist', () => {
    expectVeraError(() => resolveSpecFiles([spec('a', `name: t\nbase: 'm.missing'\n`)]), 'SPEC_UNRESOLVED', 'specs/pkg/a.yaml', "no specification named 'pkg.m.missing'");
  });

  it('a partial looked up in the wrong file', () => {
    const files = [spec('base', `id: thr\nthreshold: {unit: s, operator: '<'}\n`), spec('b', `metric: m\nname: s\nbase: '#thr'\nthreshold: {value: 3}\n`)];
    expectVeraError(() => resolveSpecFiles(files), 'SPEC_UNRESOLVED', 'specs/pkg/b.yaml', "'pkg:b#thr'");
  });

  it('two specifications inheriting from each other', () => {
    const text = `---\nname: 'm.a'\nbase: 'm.b'\n---\nname: 'm.b'\nbase: 'm.a'\n`;
    expectVeraError(() => resolveSpecFiles([spec('loop', text)]), 'SPEC_CYCLE', 'inheritance cycle', 'pkg.m.a', 'pkg.m.b', 'specs/pkg/loop.yaml');
  });

  it('a specification inheriting from itself, and partials in a ring', () => {
    expectVeraError(() => resolveSpecFiles([spec('self', `name: 'm.a'\nbase: 'm.a'\n`)]), 'SPEC_CYCLE', 'pkg.m.a (specs/pkg/self.yaml, document 1) -> pkg.m.a');
    const ring = `---\nid: x\nbase: '#y'\n---\nid: y\nbase: '#z'\n---\nid: z\nbase: '#x'\n`;
    expectVeraError(() => resolveSpecFiles([spec('ring', ring)]), 'SPEC_CYCLE', 'pkg:ring#x', 'pkg:ring#y', 'pkg:ring#z');
  });

  it('an operator lsst.verify does not know, with its line', () => {
    const e = expectVeraError(
      () => resolveSpecFiles([spec('a', `metric: m\nname: s\nthreshold:\n  value: 1\n  operator: '=<'\n  unit: s\n`)]),
      'SPEC_YAML',
      'specs/pkg/a.yaml (document 1):5',
      'pkg.m.s',
      "'threshold.operator'",
    );
    expect(e.details).toMatchObject({ key: 'threshold.operator' });
  });

  it('a threshold without a value, even after inheritance', () => {
    const files = [spec('a', `---\nid: thr\nthreshold: {unit: s, operator: '<'}\n---\nmetric: m\nname: s\nbase: '#thr'\n`)];
    expectVeraError(() => resolveSpecFiles(files), 'SPEC_YAML', 'specs/pkg/a.yaml (document 2)', "threshold has no 'value'", 'nor inherited');
  });

  it('an unknown threshold unit', () => {
    expectVeraError(
      () => resolveSpecFiles([spec('a', `metric: m\nname: s\nthreshold: {operator: '<', value: 1, unit: parsecs}\n`)]),
      'UNIT_UNKNOWN',
      'specs/pkg/a.yaml',
      'threshold.unit',
      "'parsecs'",
    );
  });

  it('a specification with no metric anywhere', () => {
    expectVeraError(() => resolveSpecFiles([spec('a', `name: s\nthreshold: {operator: '<', value: 1, unit: s}\n`)]), 'SPEC_YAML', "specification 's' has no metric");
  });

  it('a specification that is not a threshold', () => {
    expectVeraError(() => resolveSpecFiles([spec('a', `metric: m\nname: s\ntype: range\n`)]), 'SPEC_YAML', "'type'", 'range');
    expectVeraError(() => resolveSpecFiles([spec('a', `metric: m\nname: s\n`)]), 'SPEC_YAML', "no 'threshold'");
  });

  it('a document with neither name nor id, and a bare base name', () => {
    expectVeraError(() => resolveSpecFiles([spec('a', `metric: m\nthreshold: {operator: '<', value: 1, unit: s}\n`)]), 'SPEC_YAML', "'name'");
    expectVeraError(() => resolveSpecFiles([spec('a', `metric: m\nname: s\nbase: design\n`)]), 'SPEC_YAML', "field 'base'", "'design'");
  });

  it('conflicting package in a fully qualified name', () => {
    expectVeraError(() => resolveSpecFiles([spec('a', `name: other.m.s\nthreshold: {operator: '<', value: 1, unit: s}\n`)]), 'SPEC_YAML', 'conflicting package');
  });
});

describe('checking a metrics package on import', () => {
  it('reports specifications of undefined metrics and in incomparable units', () => {
    const root = writeTree({
      'metrics/pkg.yaml': 'm:\n  description: d\n  unit: mmag\n',
      'specs/pkg/a.yaml': `---\nmetric: m\nname: ok\nthreshold: {operator: '<', value: 1, unit: mag}\n---\nmetric: m\nname: odd\nthreshold: {operator: '<', value: 1, unit: arcsec}\n---\nmetric: ghost\nname: s\nthreshold: {operator: '<', value: 1, unit: s}\n`,
    });
    expect(checkMetricsPackage(loadMetricsPackage(root))).toEqual([
      { spec: 'pkg.m.odd', problem: "threshold unit 'arcsec' cannot be compared with metric pkg.m's unit 'mmag'" },
      { spec: 'pkg.ghost.s', problem: 'metric pkg.ghost is not defined in metrics/' },
    ]);
  });
});
