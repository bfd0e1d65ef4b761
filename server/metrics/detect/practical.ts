import { VeraError } from '../../errors.ts';
import { convertValue } from '../verify/index.ts';
import type { DetectionConfig } from './config.ts';
import { fmt, withUnit } from './messages.ts';
import type { Evidence } from './types.ts';

export type PracticalThreshold = NonNullable<DetectionConfig['practical']>;

/**
 * Practical thresholds when a metric's detection config sets none, by series unit: about what
 * a scientist would call "no change" for such a metric. Percentages are percentage points
 * (completeness, purity); magnitudes and angles absolute; anything else 1 % of the baseline.
 * Significance alone is not enough: a deterministic pipeline's output has no noise, so a
 * 0.02 % change is "certain" (p = 0) and still nothing anyone should chase.
 */
const BY_UNIT: Readonly<Record<string, PracticalThreshold>> = {
  '%': { absolute: 0.5, unit: '%' },
  mmag: { absolute: 0.5, unit: 'mmag' },
  mag: { absolute: 0.005, unit: 'mag' },
  mas: { absolute: 0.5, unit: 'mas' },
  arcsec: { absolute: 0.005, unit: 'arcsec' },
  arcmin: { absolute: 0.0001, unit: 'arcmin' },
  pixel: { absolute: 0.01, unit: 'pixel' },
  pix: { absolute: 0.01, unit: 'pix' },
};

export const DEFAULT_PRACTICAL: PracticalThreshold = { percent: 1 };

export function defaultPracticalThreshold(unit: string | undefined): PracticalThreshold {
  return (unit !== undefined ? BY_UNIT[unit.trim()] : undefined) ?? DEFAULT_PRACTICAL;
}

export function describePractical(p: PracticalThreshold, seriesUnit: string | undefined): string {
  const parts = [
    ...(p.percent !== undefined ? [`${fmt(p.percent)} %`] : []),
    ...(p.absolute !== undefined ? [withUnit(p.absolute, p.unit ?? seriesUnit)] : []),
  ];
  return parts.join(' or ');
}

/**
 * Whether a change is large enough to matter: beyond the relative or the absolute threshold
 * (either, when both are given). The absolute threshold is converted to the series unit.
 */
export function practicallyLarge(p: PracticalThreshold, delta: number, relativeDelta: number, seriesUnit: string | undefined): boolean {
  if (p.percent !== undefined && Math.abs(relativeDelta) * 100 >= p.percent) return true;
  if (p.absolute !== undefined) {
    let limit = p.absolute;
    if (p.unit !== undefined) {
      if (seriesUnit === undefined) throw new VeraError('BAD_INPUT', `field 'practical.unit' is '${p.unit}' but the series has no unit: pass the series unit`, { unit: p.unit });
      limit = Math.abs(convertValue(p.absolute, p.unit, seriesUnit));
    }
    if (Math.abs(delta) >= limit) return true;
  }
  return false;
}

/**
 * Evidence of a change below the practical threshold is dropped: never a regression (nor an
 * improvement). A specification failure is kept: it is a fact about the value against a
 * requirement, not an inference about a change. A finding with no noise behind it (p = 0 on a
 * constant baseline: a deterministic series) is said to be judged by the threshold alone.
 */
export function applyPractical<E extends Evidence>(evidence: readonly E[], p: PracticalThreshold, seriesUnit: string | undefined): E[] {
  const out: E[] = [];
  for (const e of evidence) {
    if (e.kind === 'spec') {
      out.push(e);
      continue;
    }
    if (!practicallyLarge(p, e.delta, e.relativeDelta, seriesUnit)) continue;
    const deterministic = e.pValue === 0 && (e.zScore === undefined || !Number.isFinite(e.zScore));
    const note = deterministic
      ? `; no noise to test against (deterministic series): beyond the practical threshold of ${describePractical(p, seriesUnit)}`
      : `; beyond the practical threshold of ${describePractical(p, seriesUnit)}`;
    out.push({ ...e, message: e.message + note });
  }
  return out;
}
