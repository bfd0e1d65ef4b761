import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isVeraError } from '../../../server/errors.ts';
import { conversionFactor, convertQuantity, convertValue, parseUnit, quantity, unitsCompatible } from '../../../server/metrics/verify/index.ts';

interface AstropyUnit {
  unit: string;
  error?: string;
  canonical?: string;
  scale?: number;
  dims?: Record<string, number>;
}
interface AstropyConversion {
  from: string;
  to: string;
  factor?: number;
  incompatible?: boolean;
}

// Expectations produced by astropy itself (see astropy_units.py beside the file).
const astropy = JSON.parse(readFileSync(new URL('../../fixtures/verify/astropy-units.json', import.meta.url), 'utf8')) as {
  units: AstropyUnit[];
  conversions: AstropyConversion[];
};

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('unit strings, checked against astropy', () => {
  const accepted = astropy.units.filter((u) => u.error === undefined);
  it.each(accepted.map((u) => [u.unit, u] as const))('%j decomposes as astropy does', (_text, u) => {
    const mine = parseUnit(u.unit);
    expect(Math.abs(mine.scale - (u.scale ?? 0)) / Math.abs(u.scale ?? 1)).toBeLessThan(1e-12);
    expect(mine.dims).toEqual(u.dims);
    expect(mine.canonical).toBe(u.canonical);
  });

  // `dimensionless` is refused by astropy but accepted here on purpose.
  const refused = astropy.units.filter((u) => u.error !== undefined && u.unit !== 'dimensionless');
  it.each(refused.map((u) => [u.unit] as const))('%j is refused with UNIT_UNKNOWN, as astropy refuses it', (text) => {
    const e = thrown(() => parseUnit(text));
    expect(isVeraError(e) && e.code).toBe('UNIT_UNKNOWN');
    expect((e as Error).message).toContain(`'${text}'`);
  });

  it.each(astropy.conversions.map((c) => [c.from, c.to, c] as const))('%j -> %j converts as astropy does', (_f, _t, c) => {
    if (c.incompatible) {
      const e = thrown(() => conversionFactor(c.from, c.to));
      expect(isVeraError(e) && e.code).toBe('UNIT_INCOMPATIBLE');
    } else {
      expect(conversionFactor(c.from, c.to)).toBe(c.factor);
    }
  });
});

describe('unit conversion', () => {
  it('converts millimagnitudes to magnitudes and back', () => {
    expect(convertValue(5, 'mmag', 'mag')).toBe(0.005);
    expect(convertValue(0.005, 'mag', 'mmag')).toBe(5);
  });

  it('treats marcsec, mas and milliarcsecond as one unit', () => {
    expect(convertValue(12, 'marcsec', 'milliarcsecond')).toBe(12);
    expect(convertValue(12, 'mas', 'marcsec')).toBe(12);
    expect(convertValue(1500, 'marcsec', 'arcsec')).toBe(1.5);
  });

  it('converts percent to a plain fraction, and empty, dimensionless and percent agree', () => {
    expect(convertValue(42, '%', '')).toBeCloseTo(0.42, 15);
    expect(convertValue(0.5, 'dimensionless', 'percent')).toBe(50);
    expect(unitsCompatible('', '%')).toBe(true);
  });

  it('keeps magnitudes their own dimension, as lsst.verify (astropy) does', () => {
    expect(unitsCompatible('mag', '')).toBe(false);
    expect(unitsCompatible('mmag', 'dB')).toBe(true);
  });

  it('handles products, quotients and powers', () => {
    expect(convertValue(1, 'ct / s', 'ct / min')).toBe(60);
    expect(convertValue(1, 'deg**2', 'arcmin2')).toBeCloseTo(3600, 9);
    expect(convertValue(2, 'GB', 'MB')).toBe(2000);
    expect(convertValue(1, 'h', 's')).toBe(3600);
    expect(convertValue(100, 'ms/s', '%')).toBeCloseTo(10, 12);
  });

  it('converts quantities and keeps the target unit', () => {
    const q = convertQuantity(quantity(16.5, 'mmag'), 'mag');
    expect(q.value).toBeCloseTo(0.0165, 15);
    expect(q.unit.text).toBe('mag');
  });

  it('refuses incompatible units with a message naming both', () => {
    const e = thrown(() => convertValue(1, 'mmag', 'arcsec'));
    expect(isVeraError(e) && e.code).toBe('UNIT_INCOMPATIBLE');
    expect((e as Error).message).toContain("'mmag'");
    expect((e as Error).message).toContain("'arcsec'");
    expect(isVeraError(e) && e.details).toMatchObject({ from: 'mmag', to: 'arcsec' });
  });

  it('names the unknown part of a unit string and suggests a spelling', () => {
    const e = thrown(() => parseUnit('ct / Arcsec'));
    expect((e as Error).message).toContain("'Arcsec' is not a known unit");
    expect((e as Error).message).toContain("did you mean 'arcsec'");
  });
});
