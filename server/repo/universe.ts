import { VeraError } from '../errors.ts';

/**
 * The dimension universe: which dimensions exist, how their keys are typed, which dimensions each
 * one requires (part of its identity) and implies (determined by its record). Mirrors the
 * LSST Butler's default universe, restricted to what Vera's instruments use.
 */
export type DimensionKeyType = 'string' | 'int';

export interface DimensionDef {
  name: string;
  keyType: DimensionKeyType;
  /** Dimensions whose values are part of this one's identity (a visit is unique per instrument). */
  requires: readonly string[];
  /** Dimensions whose values this one's record determines (a visit has one physical_filter). */
  implies: readonly string[];
  doc: string;
}

const DEFS: readonly DimensionDef[] = [
  { name: 'instrument', keyType: 'string', requires: [], implies: [], doc: 'a camera and its data model' },
  { name: 'band', keyType: 'string', requires: [], implies: [], doc: 'an abstract filter band (g, r, i, ...)' },
  {
    name: 'physical_filter',
    keyType: 'string',
    requires: ['instrument'],
    implies: ['band'],
    doc: "an instrument's real filter",
  },
  { name: 'day_obs', keyType: 'int', requires: ['instrument'], implies: [], doc: 'an observing night, YYYYMMDD' },
  {
    name: 'visit',
    keyType: 'int',
    requires: ['instrument'],
    implies: ['physical_filter', 'day_obs'],
    doc: 'one pointing: time span, band, pointing and sky region',
  },
  { name: 'detector', keyType: 'int', requires: ['instrument'], implies: [], doc: 'one sensor of an instrument' },
  { name: 'skymap', keyType: 'string', requires: [], implies: [], doc: 'a tessellation of the sky into tracts' },
  { name: 'tract', keyType: 'int', requires: ['skymap'], implies: [], doc: 'a region of a skymap with one projection' },
  { name: 'patch', keyType: 'int', requires: ['skymap', 'tract'], implies: [], doc: 'a sub-region of a tract' },
];

export const DIMENSIONS: ReadonlyMap<string, DimensionDef> = new Map(DEFS.map((d) => [d.name, d]));
const ORDER = new Map(DEFS.map((d, i) => [d.name, i]));

export function dimension(name: string): DimensionDef {
  const def = DIMENSIONS.get(name);
  if (!def) {
    throw new VeraError('UNKNOWN_DIMENSION', `unknown dimension '${name}'; known: ${[...DIMENSIONS.keys()].join(', ')}`, {
      dimension: name,
    });
  }
  return def;
}

export function sortDimensions(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => (ORDER.get(a) ?? 0) - (ORDER.get(b) ?? 0));
}

/**
 * A normalized set of dimensions, as the Butler's DimensionGroup: every requested dimension plus
 * what they require and imply, split into `required` (the data ID keys) and `implied`.
 */
export interface DimensionGroup {
  names: string[];
  required: string[];
  implied: string[];
}

export function dimensionGroup(requested: Iterable<string>): DimensionGroup {
  const all = new Set<string>();
  const visit = (name: string) => {
    if (all.has(name)) return;
    const def = dimension(name);
    all.add(name);
    for (const r of def.requires) visit(r);
    for (const i of def.implies) visit(i);
  };
  for (const name of requested) visit(name);

  const impliedByMember = new Set<string>();
  for (const name of all) for (const i of dimension(name).implies) impliedByMember.add(i);
  const names = sortDimensions(all);
  return {
    names,
    required: names.filter((n) => !impliedByMember.has(n)),
    implied: names.filter((n) => impliedByMember.has(n)),
  };
}
