/** Number, unit, time and data ID formatting shared by pages and panels. */

/** Four significant digits, no exponent for everyday magnitudes, thin grouping for big integers. */
export function num(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e9) return v.toLocaleString('en-US');
  if (a >= 1e6 || a < 1e-3) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** A value with its unit, as "12.3 mmag", "87.5 %" or "1.02" (dimensionless). */
export function withUnit(v: number | null | undefined, unit: string | undefined): string {
  const u = unitLabel(unit);
  return u ? `${num(v)} ${u}` : num(v);
}

/** astropy spellings shown the way people write them. */
export function unitLabel(unit: string | undefined): string {
  if (!unit || unit === '' || unit === 'dimensionless' || unit === '1') return '';
  if (unit === 'percent' || unit === 'pct') return '%';
  return unit.replace(/\*\*(-?\d+)/g, '^$1');
}

export function signed(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${num(Math.abs(v))}`;
}

export function percent(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${num(Math.abs(v) * 100, 3)} %`;
}

export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

export const shortSha = (sha: string | null | undefined): string => (sha ? (/^[0-9a-f]{40}$/.test(sha) ? sha.slice(0, 8) : sha) : '–');

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '–';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function duration(startIso: string | null | undefined, endIso: string | null | undefined): string {
  if (!startIso) return '–';
  const ms = (endIso ? new Date(endIso).getTime() : Date.now()) - new Date(startIso).getTime();
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** Dimension order of DESIGN.md §4, so data IDs read the same everywhere. */
const DIMENSION_ORDER = ['instrument', 'skymap', 'tract', 'patch', 'band', 'physical_filter', 'day_obs', 'visit', 'detector'];

export function dataIdEntries(dataId: Record<string, unknown> | null | undefined): [string, unknown][] {
  const rank = (k: string) => (DIMENSION_ORDER.includes(k) ? DIMENSION_ORDER.indexOf(k) : DIMENSION_ORDER.length);
  return Object.entries(dataId ?? {}).sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

/** "band=g visit=3": the keys that tell data IDs apart (instrument and skymap left out unless alone). */
export function dataIdText(dataId: Record<string, unknown> | null | undefined, opts: { full?: boolean } = {}): string {
  const entries = dataIdEntries(dataId);
  if (entries.length === 0) return '(all)';
  const shown = opts.full ? entries : entries.filter(([k]) => !['instrument', 'skymap', 'physical_filter', 'day_obs'].includes(k));
  return (shown.length ? shown : entries).map(([k, v]) => `${k}=${String(v)}`).join(' ');
}

export function operatorText(op: string): string {
  return ({ '<=': '≤', '>=': '≥', '!=': '≠', '==': '=' } as Record<string, string>)[op] ?? op;
}
