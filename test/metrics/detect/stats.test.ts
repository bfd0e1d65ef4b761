import { describe, expect, it } from 'vitest';
import { median, sampleVariance, trailingMedians } from '../../../server/metrics/detect/stats.ts';
import { gaussian } from './support.ts';

describe('descriptive statistics', () => {
  it('trailing medians equal the median of each preceding window, ties and duplicates included', () => {
    // `+ 0` turns Math.round's −0 into 0: −0 and 0 sort as equal, so which one comes out may differ.
    const g = gaussian(3);
    const xs = Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? 1 : Math.round(g() * 4) / 2 + 0));
    for (const window of [1, 2, 5, 10, 31]) {
      const got = trailingMedians(xs, window);
      expect(got[0]).toBeNaN();
      for (let i = 1; i < xs.length; i++) expect(got[i], `window ${window}, index ${i}`).toBe(median(xs, Math.max(0, i - window), i));
    }
  });

  it('keeps the variance of large values with tiny scatter (two-pass)', () => {
    // A 27 mag zero point varying by 1e-6 mag: the one-pass formula returns noise or a negative number.
    const xs = [27.000001, 27.000002, 27.000003];
    expect(sampleVariance(xs)).toBeCloseTo(1e-12, 17);
  });
});
