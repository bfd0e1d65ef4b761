import type { ChangeDirection, FindingKind } from './types.ts';
import type { Direction } from './config.ts';

/** A regression is a change in the metric's bad direction; a zero change is neither. */
export function classify(delta: number, direction: Direction): ChangeDirection {
  const worse = direction === 'lower_is_better' ? delta > 0 : delta < 0;
  return worse ? 'regression' : 'improvement';
}

/** Four significant digits, without trailing zeros or exponent noise for ordinary values. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e7)) return v.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(4)));
}

export function fmtP(p: number): string {
  if (Number.isNaN(p)) return 'NaN';
  return p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}

export function withUnit(v: number, unit: string | undefined): string {
  return unit ? `${fmt(v)} ${unit}` : fmt(v);
}

function percent(rel: number): string {
  if (!Number.isFinite(rel)) return rel > 0 ? '+∞ %' : '−∞ %';
  const p = rel * 100;
  return `${p >= 0 ? '+' : ''}${String(Number(p.toPrecision(3)))} %`;
}

export interface Change {
  label: string;
  unit: string | undefined;
  baseline: number;
  value: number;
  relativeDelta: number;
  direction: ChangeDirection;
  commit: string;
}

/** "PA1 rose from 4.1 to 4.6 mmag (+12.2 %, worse) at commit abc123def456" */
export function describeChange(c: Change): string {
  const verb = c.value > c.baseline ? 'rose' : 'fell';
  const how = c.direction === 'regression' ? 'worse' : 'better';
  return `${c.label} ${verb} from ${fmt(c.baseline)} to ${withUnit(c.value, c.unit)} (${percent(c.relativeDelta)}, ${how}) at commit ${c.commit.slice(0, 12)}`;
}

/** Names of the methods, for messages. */
export const KIND_NAMES: Record<FindingKind, string> = {
  spec: 'specification threshold',
  percent: 'relative threshold',
  absolute: 'absolute threshold',
  zscore: 'z-score',
  welch: "Welch's t-test",
  changepoint: 'E-divisive change point',
};
