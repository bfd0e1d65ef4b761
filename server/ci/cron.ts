import { VeraError } from '../errors.ts';

/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in UTC:
 * `*`, numbers, ranges `a-b`, lists `a,b`, steps `*\/n` and `a-b/n`; day-of-week 0-7 (0 and 7 are
 * Sunday). As in Vixie cron, when both day fields are restricted a day matching either one counts.
 */
export interface Cron {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  dayRestricted: boolean;
  weekdayRestricted: boolean;
}

const FIELDS: [string, number, number][] = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 7],
];

function parseField(text: string, [name, lo, hi]: [string, number, number], expr: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new VeraError('CONFIG_INVALID', `cron '${expr}': bad ${name} '${part}'`);
    const step = m[4] ? Number(m[4]) : 1;
    const from = m[1] === '*' ? lo : Number(m[2]);
    const to = m[1] === '*' ? hi : m[3] !== undefined ? Number(m[3]) : m[4] ? hi : from;
    if (from < lo || to > hi || from > to || step < 1) throw new VeraError('CONFIG_INVALID', `cron '${expr}': ${name} '${part}' is outside ${lo}-${hi}`);
    for (let v = from; v <= to; v += step) out.add(name === 'day of week' && v === 7 ? 0 : v);
  }
  return out;
}

export function parseCron(expr: string): Cron {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new VeraError('CONFIG_INVALID', `cron '${expr}': expected 5 fields (minute hour day month weekday), got ${parts.length}`);
  const [mi, h, d, mo, w] = parts.map((p, i) => parseField(p, FIELDS[i]!, expr)) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  return { minutes: mi, hours: h, days: d, months: mo, weekdays: w, dayRestricted: parts[2] !== '*', weekdayRestricted: parts[4] !== '*' };
}

export function cronMatches(c: Cron, at: Date): boolean {
  if (!c.minutes.has(at.getUTCMinutes()) || !c.hours.has(at.getUTCHours()) || !c.months.has(at.getUTCMonth() + 1)) return false;
  const day = c.days.has(at.getUTCDate());
  const weekday = c.weekdays.has(at.getUTCDay());
  if (c.dayRestricted && c.weekdayRestricted) return day || weekday;
  return day && weekday;
}
