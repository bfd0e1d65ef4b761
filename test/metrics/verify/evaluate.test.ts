import { describe, expect, it } from 'vitest';
import {
  compare,
  matchesMetadataQuery,
  parseUnit,
  pyEquals,
  quantity,
  ThresholdSpecification,
  type Operator,
} from '../../../server/metrics/verify/index.ts';
import { expectVeraError } from './support.ts';

function spec(operator: Operator, value: number, unit: string, metadataQuery: Record<string, unknown> = {}): ThresholdSpecification {
  return new ThresholdSpecification({
    name: 'validate_drp.PA1.test',
    package: 'validate_drp',
    metric: 'PA1',
    spec: 'test',
    threshold: { value, unit: parseUnit(unit), operator },
    metadataQuery,
    tags: [],
    extra: {},
  });
}

describe('threshold checks', () => {
  it.each([
    ['<', 4, true],
    ['<', 5, false],
    ['<=', 5, true],
    ['<=', 6, false],
    ['>', 6, true],
    ['>', 5, false],
    ['>=', 5, true],
    ['>=', 4, false],
    ['==', 5, true],
    ['==', 5.1, false],
    ['!=', 5.1, true],
    ['!=', 5, false],
  ] as const)('measured %s threshold 5: %d gives %s', (op, measured, expected) => {
    expect(compare(op, measured, 5)).toBe(expected);
    expect(spec(op, 5, 'mmag').check(quantity(measured, 'mmag'))).toBe(expected);
  });

  it('converts units before comparing', () => {
    const s = spec('<=', 5, 'mmag');
    expect(s.check(quantity(0.004, 'mag'))).toBe(true);
    expect(s.check(quantity(0.006, 'mag'))).toBe(false);
    expect(s.check(quantity(0.005, 'mag'))).toBe(true);
    expect(spec('<=', 10, 'milliarcsecond').check(quantity(0.0121, 'arcsec'))).toBe(false);
    expect(spec('<=', 20, '%').check(quantity(0.15, ''))).toBe(true);
    expect(spec('==', 5, 'mmag').check(quantity(0.005, 'mag'))).toBe(true);
  });

  it('fails a NaN measurement for every operator but !=', () => {
    for (const op of ['<', '<=', '>', '>=', '=='] as const) expect(spec(op, 5, 'mmag').check(quantity(Number.NaN, 'mmag'))).toBe(false);
    expect(spec('!=', 5, 'mmag').check(quantity(Number.NaN, 'mmag'))).toBe(true);
  });

  it('refuses a measurement in an incompatible unit, naming the specification and both units', () => {
    expectVeraError(() => spec('<=', 5, 'mmag').check(quantity(3, 'arcsec')), 'UNIT_INCOMPATIBLE', 'validate_drp.PA1.test', "'mmag'", "'arcsec'");
  });

  it('prints like lsst.verify', () => {
    expect(spec('<=', 5, 'mmag').toString()).toBe('<= 5 mmag');
    expect(spec('==', 1858, '').toString()).toBe('== 1858');
  });
});

describe('metadata queries (MetadataQuery.__call__)', () => {
  const meta = { filter_name: 'r', instrument: 'CFHT', visits: [849375, 850587], photometric: true };

  it('matches when the metadata has every query term with an equal value', () => {
    expect(matchesMetadataQuery({}, meta)).toBe(true);
    expect(matchesMetadataQuery({ filter_name: 'r' }, meta)).toBe(true);
    expect(matchesMetadataQuery({ filter_name: 'r', visits: [849375, 850587] }, meta)).toBe(true);
  });

  it('fails on a conflicting or missing term', () => {
    expect(matchesMetadataQuery({ filter_name: 'g' }, meta)).toBe(false);
    expect(matchesMetadataQuery({ filter_name: 'r', dataset_name: 'validation_data_cfht' }, meta)).toBe(false);
    expect(matchesMetadataQuery({ visits: [850587, 849375] }, meta)).toBe(false);
  });

  it('reverses the orientation when arg-driven', () => {
    const query = { filter_name: 'r', instrument: 'CFHT', dataset_name: 'x' };
    expect(matchesMetadataQuery(query, { filter_name: 'r' }, { argDriven: true })).toBe(true);
    expect(matchesMetadataQuery(query, { filter_name: 'r' })).toBe(false);
    expect(matchesMetadataQuery({ filter_name: 'r' }, { filter_name: 'r', instrument: 'CFHT' }, { argDriven: true })).toBe(false);
    expect(matchesMetadataQuery({}, {}, { argDriven: true })).toBe(true);
  });

  it("compares values with Python's ==", () => {
    expect(pyEquals(1, 1.0)).toBe(true);
    expect(pyEquals(true, 1)).toBe(true);
    expect(pyEquals(false, 0)).toBe(true);
    expect(pyEquals('1', 1)).toBe(false);
    expect(pyEquals(null, null)).toBe(true);
    expect(pyEquals(null, 0)).toBe(false);
    expect(pyEquals(Number.NaN, Number.NaN)).toBe(false);
    expect(pyEquals({ a: [1, { b: 2 }] }, { a: [1.0, { b: 2 }] })).toBe(true);
    expect(pyEquals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(pyEquals([1, 2], [1, 2, 3])).toBe(false);
  });

  it('applies through the specification', () => {
    const s = spec('<=', 5, 'mmag', { filter_name: 'r' });
    expect(s.queryMetadata(meta)).toBe(true);
    expect(s.queryMetadata({ filter_name: 'i' })).toBe(false);
  });
});
