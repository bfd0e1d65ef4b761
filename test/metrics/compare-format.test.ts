import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../server/metrics/compare.ts';
import { comparisonMarkdown, regressionsIn } from '../../server/metrics/compare-format.ts';

const cmp: Comparison = {
  base: { label: 'merge base of feature and master', commit: 'a'.repeat(40), runs: ['ci/master/3'] },
  head: { label: 'feature', commit: 'b'.repeat(40), runs: ['ci/feature/1'] },
  rows: [
    { metric: 'simcam_drp.PA1', unit: 'mmag', dataId: null, base: 10, head: 14, delta: 4, relativeDelta: 0.4, pValue: 1e-5, significant: true, status: 'regression', specs: [{ spec: 'simcam_drp.PA1.design', base: true, head: false, failingDataIds: 1, worstDataId: { instrument: 'SimCam', visit: 3 }, worstValue: 15 }] },
    { metric: 'simcam_drp.completeness', unit: '%', dataId: null, base: 95, head: 96, delta: 1, relativeDelta: 0.0105, pValue: 0.4, significant: false, status: 'unchanged', specs: [] },
    { metric: 'simcam_drp.PA1', unit: 'mmag', dataId: { instrument: 'SimCam', visit: 3 }, base: 9, head: 15, delta: 6, relativeDelta: 0.667, pValue: null, significant: false, status: 'insufficient', specs: [] },
  ],
};

describe('comparison formatting', () => {
  it('Markdown names the regressed metrics, both commits, and a row per metric (per data ID on request)', () => {
    const md = comparisonMarkdown(cmp);
    expect(md).toContain('**1 metric regressed**: `simcam_drp.PA1` (worst: visit=3)');
    expect(md).toContain('Head: feature (`bbbbbbbbbb`) vs base: merge base of feature and master (`aaaaaaaaaa`)');
    expect(md).toContain('| simcam_drp.PA1 | all | 10 | 14 | 4 | +40.0% | mmag | 1.0e-5 | regression | design: FAIL (worst visit=3: 15) |');
    expect(md.split('\n').filter((l) => l.startsWith('| simcam_drp'))).toHaveLength(2);
    expect(comparisonMarkdown(cmp, { perDataId: true })).toContain('| simcam_drp.PA1 | visit=3 | 9 | 15 |');
    expect(regressionsIn(cmp).map((r) => r.metric)).toEqual(['simcam_drp.PA1']);
  });
});
