import type { CatalogValue } from '../framework/values.ts';
import type { DiaSource } from './records.ts';

/**
 * DiaSource rows <-> the `Catalog` detectDiaSources writes. The catalog has exactly the
 * DiaSource fields of records.ts as columns: ids and visit as INT64 (visit ids exceed 32 bits),
 * detector as INT32, measurements as DOUBLE, flags as BOOLEAN. diaObjectId is 0 in the catalog
 * (null in rows) until the server's association assigns it.
 */

export const DIA_SOURCE_COLUMNS = [
  'diaSourceId',
  'diaObjectId',
  'visit',
  'detector',
  'band',
  'midpointMjdTai',
  'ra',
  'dec',
  'raErr',
  'decErr',
  'x',
  'y',
  'psfFlux',
  'psfFluxErr',
  'scienceFlux',
  'scienceFluxErr',
  'snr',
  'isDipole',
  'pixelFlags_edge',
  'pixelFlags_cr',
  'pixelFlags_saturated',
] as const satisfies readonly (keyof DiaSource)[];

const FLOATS = ['midpointMjdTai', 'ra', 'dec', 'raErr', 'decErr', 'x', 'y', 'psfFlux', 'psfFluxErr', 'scienceFlux', 'scienceFluxErr', 'snr'] as const;
const FLAGS = ['isDipole', 'pixelFlags_edge', 'pixelFlags_cr', 'pixelFlags_saturated'] as const;

export function diaSourceCatalog(rows: readonly DiaSource[], metadata: Record<string, string> = {}): CatalogValue {
  const columns: CatalogValue['columns'] = {
    diaSourceId: BigInt64Array.from(rows, (r) => r.diaSourceId),
    diaObjectId: BigInt64Array.from(rows, (r) => r.diaObjectId ?? 0n),
    visit: BigInt64Array.from(rows, (r) => BigInt(r.visit)),
    detector: Int32Array.from(rows, (r) => r.detector),
    band: rows.map((r) => r.band),
  };
  for (const f of FLOATS) columns[f] = Float64Array.from(rows, (r) => r[f]);
  for (const f of FLAGS) columns[f] = rows.map((r) => r[f]);
  return { columns, metadata };
}

export function diaSourcesFromCatalog(catalog: CatalogValue): DiaSource[] {
  const c = catalog.columns;
  for (const name of DIA_SOURCE_COLUMNS) if (!(name in c)) throw new Error(`DiaSource catalog has no column '${name}'`);
  const ids = c.diaSourceId as BigInt64Array;
  const out: DiaSource[] = [];
  for (let k = 0; k < ids.length; k++) {
    const obj = (c.diaObjectId as BigInt64Array)[k]!;
    const row = {
      diaSourceId: ids[k]!,
      diaObjectId: obj === 0n ? null : obj,
      visit: Number((c.visit as BigInt64Array)[k]!),
      detector: (c.detector as Int32Array)[k]!,
      band: (c.band as string[])[k]!,
    } as DiaSource;
    for (const f of FLOATS) row[f] = (c[f] as Float64Array)[k]!;
    for (const f of FLAGS) row[f] = (c[f] as boolean[])[k]!;
    out.push(row);
  }
  return out;
}

/**
 * diaSourceId = visit · 10⁶ + detector · 10⁴ + index: unique per detection and readable (Rubin
 * packs (visit, detector, index) too); visit ids up to ~9·10¹² fit in 63 bits.
 */
export function packDiaSourceId(visit: number, detector: number, index: number): bigint {
  if (!(detector >= 0 && detector < 100) || !(index >= 0 && index < 10_000)) {
    throw new Error(`diaSourceId packing needs detector < 100 and fewer than 10000 DiaSources per detector (detector ${detector}, index ${index})`);
  }
  return BigInt(visit) * 1_000_000n + BigInt(detector * 10_000 + index);
}
