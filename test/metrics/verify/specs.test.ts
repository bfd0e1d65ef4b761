import { describe, expect, it } from 'vitest';
import { loadSpecsDir, mergeDocuments, resolveSpecFiles, type SpecFile } from '../../../server/metrics/verify/index.ts';
import { writeTree } from './support.ts';

function file(yamlId: string, text: string, pkg = 'pkg'): SpecFile {
  return { package: pkg, yamlId, file: `specs/${pkg}/${yamlId}.yaml`, text };
}

describe('merging documents (merge_documents)', () => {
  it('overrides scalars, merges mappings and appends lists', () => {
    const merged = mergeDocuments(
      { threshold: { unit: 'mmag', operator: '<=' }, tags: ['a'], metadata_query: { visits: [1] }, name: 'x' },
      { threshold: { value: 5 }, tags: ['b'], metadata_query: { visits: [2], filter_name: 'r' }, name: 'y' },
    );
    expect(merged).toEqual({
      threshold: { unit: 'mmag', operator: '<=', value: 5 },
      tags: ['a', 'b'],
      metadata_query: { visits: [1, 2], filter_name: 'r' },
      name: 'y',
    });
  });

  it('lets a scalar replace a list (a string tag after list tags)', () => {
    expect(mergeDocuments({ tags: ['a', 'b'] }, { tags: 'c' })).toEqual({ tags: 'c' });
  });

  it('does not modify its inputs', () => {
    const base = { tags: ['a'], q: { x: [1] } };
    mergeDocuments(base, { tags: ['b'], q: { x: [2] } });
    expect(base).toEqual({ tags: ['a'], q: { x: [1] } });
  });
});

describe('specification inheritance', () => {
  const base = file(
    'base',
    `
---
id: 'thr'
metric: 'PA1'
tags: ['PA1']
threshold: {unit: 'mmag', operator: '<='}
---
id: 'site'
metadata_query: {instrument: 'HSC', visits: [1, 2]}
---
id: 'site-r'
base: '#site'
metadata_query: {filter_name: 'r', visits: [3]}
tags: [r-band]
---
name: 'design'
base: '#thr'
threshold: {value: 5.0}
tags: [design]
`,
  );

  it('resolves partial chains and specification bases across files', () => {
    const child = file('sub/child', `name: 'hsc_design_r'\nbase: ['PA1.design', 'base#site-r']\n`);
    const set = resolveSpecFiles([base, child]);
    const s = set.specs.get('pkg.PA1.hsc_design_r');
    expect(s?.toString()).toBe('<= 5 mmag');
    expect(s?.metadataQuery).toEqual({ instrument: 'HSC', visits: [1, 2, 3], filter_name: 'r' });
    expect(s?.tags).toEqual(['PA1', 'design', 'r-band']);
    expect(s?.source).toMatchObject({ file: 'specs/pkg/sub/child.yaml', document: 1 });
    expect([...set.partials.keys()]).toEqual(['pkg:base#thr', 'pkg:base#site', 'pkg:base#site-r']);
  });

  it('resolves a base defined in a later file (repeated passes)', () => {
    const early = file('a', `name: 'relaxed'\nbase: 'PA1.design'\nthreshold: {value: 8}\n`);
    const set = resolveSpecFiles([early, base]);
    expect(set.specs.get('pkg.PA1.relaxed')?.toString()).toBe('<= 8 mmag');
  });

  it('qualifies a metric-relative name and takes the metric from it', () => {
    const set = resolveSpecFiles([base, file('b', `name: 'PA1.tight'\nbase: 'base#thr'\nthreshold: {value: 3}\n`)]);
    expect(set.specs.get('pkg.PA1.tight')?.toString()).toBe('<= 3 mmag');
  });
});

describe('YAML as PyYAML reads it', () => {
  it('reads 1e-6 (a string to PyYAML) as a number, keeps `y` a string and the last of repeated keys', () => {
    const set = resolveSpecFiles([
      file(
        'x',
        `
metric: 'rho'
name: 'small'
threshold: {operator: '<=', value: 1e-6, unit: ''}
metadata_query: {filter_name: y, photometric: yes}
provenance_query:
  config: 'first'
  config: 'second'
`,
      ),
    ]);
    const s = set.specs.get('pkg.rho.small');
    expect(s?.threshold.value).toBe(1e-6);
    expect(s?.metadataQuery).toEqual({ filter_name: 'y', photometric: true });
    expect(s?.extra).toEqual({ provenance_query: { config: 'second' } });
  });

  it('accepts a threshold value written as a numeric string', () => {
    const set = resolveSpecFiles([file('x', `metric: m\nname: s\nthreshold: {operator: '>', value: '2.5e3', unit: 's'}\n`)]);
    expect(set.specs.get('pkg.m.s')?.threshold.value).toBe(2500);
  });
});

describe('specs/ directories', () => {
  it('loads nested directories, one package per top directory, with cross-package partials', () => {
    const root = writeTree({
      'specs/pkg_a/deep/er/thr.yaml': `id: 'thr'\nthreshold: {unit: 'ct', operator: '>='}\n`,
      'specs/pkg_a/README.rst': 'not yaml',
      'specs/pkg_b/use.yml': `metric: nSources\nname: floor\nbase: 'pkg_a:deep/er/thr#thr'\nthreshold: {value: 10}\n`,
      'specs/README.rst': 'not yaml either',
    });
    const set = loadSpecsDir(`${root}/specs`);
    expect(set.specs.get('pkg_b.nSources.floor')?.toString()).toBe('>= 10 ct');
    expect(set.specs.get('pkg_b.nSources.floor')?.source?.file).toBe('specs/pkg_b/use.yml');
    expect([...set.partials.keys()]).toEqual(['pkg_a:deep/er/thr#thr']);
  });

  it('keeps the later of two specifications with the same name, and reports the duplicate', () => {
    const root = writeTree({
      'specs/pkg/a.yaml': `metric: m\nname: s\nthreshold: {operator: '<', value: 1, unit: s}\n`,
      'specs/pkg/b.yaml': `metric: m\nname: s\nthreshold: {operator: '<', value: 2, unit: s}\n`,
    });
    const set = loadSpecsDir(`${root}/specs`);
    expect(set.specs.get('pkg.m.s')?.threshold.value).toBe(2);
    expect(set.duplicates).toEqual([{ name: 'pkg.m.s', kept: expect.objectContaining({ file: 'specs/pkg/b.yaml' }), replaced: expect.objectContaining({ file: 'specs/pkg/a.yaml' }) }]);
  });
});
