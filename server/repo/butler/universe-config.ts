import { parse } from 'yaml';
import { VeraError } from '../../errors.ts';

/**
 * A dimension universe read from a `dimensions.yaml` in daf_butler's config format
 * (`python/lsst/daf/butler/configs/dimensions.yaml`): elements with their keys, required and
 * implied dimensions and metadata columns, and which are spatial (a `region`) or temporal
 * (`datetime_begin`/`datetime_end`) from its `topology`. Storage classes and packers are ignored:
 * Vera stores records its own way.
 */
export interface ElementDef {
  name: string;
  /** The primary key first (`name` or `id`), then alternate keys; empty for combinations (visit_detector_region). */
  keys: { name: string; type: string }[];
  requires: string[];
  implies: string[];
  metadata: { name: string; type: string }[];
  spatial: boolean;
  temporal: boolean;
}

export interface ButlerUniverse {
  namespace: string;
  version: number;
  elements: ReadonlyMap<string, ElementDef>;
}

function fail(file: string, problem: string): VeraError {
  return new VeraError('UNIVERSE_INVALID', `${file}: ${problem}`, { file });
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

function columns(file: string, where: string, v: unknown): { name: string; type: string }[] {
  return asList(v).map((c, i) => {
    if (typeof c !== 'object' || c === null || typeof (c as { name?: unknown }).name !== 'string') {
      throw fail(file, `${where} ${i}: expected {name, type}`);
    }
    const col = c as { name: string; type?: unknown };
    return { name: col.name, type: typeof col.type === 'string' ? col.type : 'string' };
  });
}

export function parseUniverse(text: string, file = 'dimensions.yaml'): ButlerUniverse {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw fail(file, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  // A butler.yaml nests the universe under `dimensions:`.
  const root = (doc as { dimensions?: unknown } | null)?.dimensions ?? doc;
  const elementsIn = (root as { elements?: unknown } | null)?.elements;
  if (typeof elementsIn !== 'object' || elementsIn === null || Array.isArray(elementsIn)) throw fail(file, "expected an 'elements' mapping");
  const topology = (root as { topology?: { spatial?: Record<string, unknown>; temporal?: Record<string, unknown> } }).topology ?? {};
  const inFamilies = (families: Record<string, unknown> | undefined) => new Set(Object.values(families ?? {}).flatMap((v) => asList(v).map(String)));
  const spatial = inFamilies(topology.spatial);
  const temporal = inFamilies(topology.temporal);
  const elements = new Map<string, ElementDef>();
  for (const [name, raw] of Object.entries(elementsIn as Record<string, unknown>)) {
    const e = (raw ?? {}) as Record<string, unknown>;
    elements.set(name, {
      name,
      keys: columns(file, `element '${name}' key`, e.keys),
      requires: asList(e.requires).map(String),
      implies: asList(e.implies).map(String),
      metadata: columns(file, `element '${name}' metadata column`, e.metadata),
      spatial: spatial.has(name),
      temporal: temporal.has(name),
    });
  }
  const problems: string[] = [];
  for (const e of elements.values()) {
    for (const d of [...e.requires, ...e.implies]) {
      if (!elements.get(d)?.keys.length) problems.push(`element '${e.name}' refers to '${d}', which is not a dimension of this universe`);
    }
  }
  if (problems.length > 0) throw fail(file, problems.join('; '));
  const version = (root as { version?: unknown }).version;
  const namespace = (root as { namespace?: unknown }).namespace;
  return { namespace: typeof namespace === 'string' ? namespace : 'daf_butler', version: typeof version === 'number' ? version : 0, elements };
}

/** The fields a record of the element has: required and implied dimensions, keys, metadata, region and timespan. */
export function recordFields(e: ElementDef): { required: string[]; optional: string[] } {
  const required = [...e.requires, ...(e.keys[0] ? [e.keys[0].name] : [])];
  const optional = [
    ...e.implies,
    ...e.keys.slice(1).map((k) => k.name),
    ...e.metadata.map((m) => m.name),
    ...(e.spatial ? ['region'] : []),
    ...(e.temporal ? ['datetime_begin', 'datetime_end'] : []),
  ];
  return { required, optional };
}

/** Elements in an order where each comes after those it requires or implies (records insert in this order). */
export function elementOrder(u: ButlerUniverse): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    const e = u.elements.get(n);
    for (const d of [...(e?.requires ?? []), ...(e?.implies ?? [])]) visit(d);
    out.push(n);
  };
  for (const n of u.elements.keys()) visit(n);
  return out;
}
