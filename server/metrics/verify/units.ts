import { VeraError } from '../../errors.ts';
import { BINARY_PREFIXES, SI_PREFIXES, UNIT_DEFS, type UnitDef, type UnitPrefix } from './unit-table.ts';
import { parseUnitExpression } from './unit-parser.ts';
import type { Quantity, Unit } from './types.ts';

/** A named unit decomposed to base dimensions; `display` is astropy's name for it. */
interface NamedUnit {
  display: string;
  scale: number;
  dims: Record<string, number>;
}

// Filled once at load; `suggest` may read it while it is still being filled.
const registry = new Map<string, NamedUnit>();
fillRegistry(registry);

function fillRegistry(explicit: Map<string, NamedUnit>): void {
  const prefixed = new Map<string, NamedUnit>();
  const lookup = (name: string): NamedUnit | undefined => explicit.get(name) ?? prefixed.get(name);
  for (const def of UNIT_DEFS) {
    const display = def.short[0] ?? '';
    const base = def.def === undefined ? { scale: 1, dims: display ? { [display]: 1 } : {} } : evaluateDef(def, lookup);
    const unit: NamedUnit = { display, ...base };
    for (const name of [...def.short, ...(def.long ?? [])]) if (!explicit.has(name)) explicit.set(name, unit);
    for (const prefix of prefixesOf(def)) {
      const entry: NamedUnit = { display: `${prefix.symbols[0]}${display}`, scale: prefix.factor * unit.scale, dims: unit.dims };
      for (const symbol of prefix.symbols) for (const name of def.short) setOnce(prefixed, symbol + name, entry);
      for (const long of prefix.names) for (const name of def.long ?? []) setOnce(prefixed, long + name, entry);
    }
  }
  // A name defined outright wins over the same spelling made from a prefix.
  for (const [name, unit] of prefixed) if (!explicit.has(name)) explicit.set(name, unit);
}

function setOnce(map: Map<string, NamedUnit>, name: string, unit: NamedUnit): void {
  if (!map.has(name)) map.set(name, unit);
}

function prefixesOf(def: UnitDef): UnitPrefix[] {
  const p = def.prefixes;
  if (p === undefined) return [];
  const all = p === 'si+binary' ? [...SI_PREFIXES, ...BINARY_PREFIXES] : SI_PREFIXES;
  const allowed = typeof p === 'string' ? all : all.filter((x) => x.symbols.some((s) => p.includes(s)));
  return allowed.filter((x) => !x.symbols.some((s) => def.exclude?.includes(s)));
}

function evaluateDef(def: UnitDef, lookup: (name: string) => NamedUnit | undefined): { scale: number; dims: Record<string, number> } {
  const [factor, expression] = def.def ?? [1, ''];
  const combined = combine(expression, lookup);
  return { scale: factor * combined.scale, dims: combined.dims };
}

/** Multiplies the named terms of an expression out into one scale and one set of dimensions. */
function combine(
  text: string,
  lookup: (name: string) => NamedUnit | undefined,
): { scale: number; dims: Record<string, number>; parts: Map<string, number>; multiplier: number } {
  const parsed = parseUnitExpression(text);
  let scale = parsed.multiplier;
  const dims: Record<string, number> = {};
  const parts = new Map<string, number>();
  for (const term of parsed.terms) {
    const unit = lookup(term.name);
    if (unit === undefined) {
      throw new VeraError('UNIT_UNKNOWN', `unit '${text}': '${term.name}' is not a known unit${suggest(term.name)}`, {
        unit: text,
        name: term.name,
      });
    }
    scale *= unit.scale ** term.power;
    for (const [dim, p] of Object.entries(unit.dims)) addPower(dims, dim, p * term.power);
    // `dimensionless` is a plain 1, so `dimensionless` prints as '' (astropy's dimensionless_unscaled).
    if (unit.scale !== 1 || Object.keys(unit.dims).length > 0) parts.set(unit.display, (parts.get(unit.display) ?? 0) + term.power);
  }
  return { scale, dims, parts, multiplier: parsed.multiplier };
}

function addPower(dims: Record<string, number>, dim: string, p: number): void {
  const v = roundPower((dims[dim] ?? 0) + p);
  if (v === 0) delete dims[dim];
  else dims[dim] = v;
}

/** Powers like 1/2 + 1/2 must come out as exactly 1. */
function roundPower(p: number): number {
  const r = Math.round(p * 1e9) / 1e9;
  return Object.is(r, -0) ? 0 : r;
}

function suggest(name: string): string {
  const lower = name.toLowerCase();
  const hits = [...registry.keys()].filter((k) => k.toLowerCase() === lower && k !== name).slice(0, 3);
  return hits.length ? ` (did you mean ${hits.map((h) => `'${h}'`).join(', ')}?)` : '';
}

const cache = new Map<string, Unit>();

/**
 * Parses an astropy-style unit string. `''`, `dimensionless` and whitespace are dimensionless.
 * Throws `UNIT_UNKNOWN` (naming the string) for names or syntax astropy would not accept.
 */
export function parseUnit(text: string): Unit {
  const hit = cache.get(text);
  if (hit) return hit;
  const { scale, dims, parts, multiplier } = combine(text, (n) => registry.get(n));
  const unit: Unit = Object.freeze({ text, canonical: formatUnit(multiplier, parts), scale, dims: Object.freeze(dims) });
  if (cache.size > 1000) cache.clear();
  cache.set(text, unit);
  return unit;
}

function asUnit(u: Unit | string): Unit {
  return typeof u === 'string' ? parseUnit(u) : u;
}

/** True when the two units measure the same dimension (astropy's `is_equivalent`). */
export function unitsCompatible(a: Unit | string, b: Unit | string): boolean {
  return sameDims(asUnit(a).dims, asUnit(b).dims);
}

function sameDims(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (Math.abs((a[k] ?? 0) - (b[k] ?? 0)) > 1e-9) return false;
  return true;
}

/**
 * The number to multiply a value in `from` by to express it in `to` (astropy's `from.to(to)`:
 * the ratio of decomposed scales). Throws `UNIT_INCOMPATIBLE` naming both units.
 */
export function conversionFactor(from: Unit | string, to: Unit | string): number {
  const a = asUnit(from);
  const b = asUnit(to);
  if (a.text === b.text) return 1;
  if (!sameDims(a.dims, b.dims)) {
    throw new VeraError(
      'UNIT_INCOMPATIBLE',
      `cannot convert '${a.text}' to '${b.text}': '${a.text}' is ${describeDims(a)} and '${b.text}' is ${describeDims(b)}`,
      { from: a.text, to: b.text },
    );
  }
  return a.scale / b.scale;
}

export function convertValue(value: number, from: Unit | string, to: Unit | string): number {
  const factor = conversionFactor(from, to);
  return factor === 1 ? value : value * factor;
}

export function quantity(value: number, unit: Unit | string): Quantity {
  return { value, unit: asUnit(unit) };
}

/** A quantity expressed in another unit. */
export function convertQuantity(q: Quantity, to: Unit | string): Quantity {
  const target = asUnit(to);
  return { value: convertValue(q.value, q.unit, target), unit: target };
}

function describeDims(u: Unit): string {
  const text = formatUnit(1, new Map(Object.entries(u.dims)));
  if (text === '') return 'dimensionless';
  return text === 'dex' ? 'a magnitude (logarithmic, in dex)' : `in ${text}`;
}

/** astropy's generic `to_string`: `m2 kg / s2`, `ct / s`, `erg / (s cm2)`, `Hz(1/2)`, `0.001 m`. */
function formatUnit(multiplier: number, parts: Map<string, number>): string {
  const terms = [...parts].filter(([, p]) => roundPower(p) !== 0);
  terms.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const pos = terms.filter(([, p]) => p > 0).map(([n, p]) => n + formatPower(p));
  const neg = terms.filter(([, p]) => p < 0).map(([n, p]) => n + formatPower(-p));
  let text = pos.join(' ');
  if (neg.length > 0) text = `${text || '1'} / ${neg.length > 1 ? `(${neg.join(' ')})` : neg[0]}`;
  if (multiplier !== 1) text = text ? `${multiplier} ${text}` : String(multiplier);
  return text;
}

function formatPower(p: number): string {
  if (p === 1) return '';
  if (Number.isInteger(p)) return String(p);
  for (let den = 2; den <= 10; den++) {
    const num = Math.round(p * den);
    if (Math.abs(num / den - p) < 1e-9) return `(${num}/${den})`;
  }
  return `(${p})`;
}
