import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import type { DiaForcedSource, DiaObject, DiaSource } from '../../pipelines/ap/records.ts';

/**
 * Alert packets: Avro records in Vera's alert schema (alert-schema/, the field names and types of
 * Rubin's lsst.v11_0 for the fields Vera has; see its README for why it is written rather than
 * copied). Encoded as single Avro datums (no container, no schema id): the stream names the schema
 * in a header, and a reader decodes with the .avsc files shipped here.
 */
export const ALERT_SCHEMA_NAME = 'vera.alert_v11_0.alert';
export const ALERT_SCHEMA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'alert-schema');

/** Avro longs as bigints: DiaSource and DiaObject ids need all 64 bits, beyond a double's 53. */
const BigIntLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (v: unknown) => BigInt(v as string),
  toJSON: (n: bigint) => n.toString(),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

let cached: avro.Type | undefined;

/** The alert type, its sub-records registered first (an .avsc names them by full name). */
export function alertType(): avro.Type {
  if (cached) return cached;
  const registry: Record<string, avro.Type> = { long: BigIntLong };
  for (const name of ['diaSource', 'diaForcedSource', 'diaObject', 'alert']) {
    const schema = JSON.parse(fs.readFileSync(path.join(ALERT_SCHEMA_DIR, `vera.alert_v11_0.${name}.avsc`), 'utf8')) as avro.Schema;
    cached = avro.Type.forSchema(schema, { registry });
  }
  return cached!;
}

export interface Cutouts {
  difference: Uint8Array | null;
  science: Uint8Array | null;
  template: Uint8Array | null;
}

export interface AlertInput {
  diaSource: DiaSource;
  diaObject: DiaObject;
  /** The DiaObject's earlier DiaSources and forced photometry, oldest first. */
  prvDiaSources: DiaSource[];
  prvDiaForcedSources: (DiaForcedSource & { ra: number; dec: number })[];
  cutouts?: Cutouts | undefined;
  processedMjdTai: number;
}

/** NaN (a measurement that failed) becomes null, as the schema's optional fields expect. */
const opt = (v: number): number | null => (Number.isFinite(v) ? v : null);
const buf = (b: Uint8Array | null | undefined): Buffer | null => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : null);

function sourceRecord(s: DiaSource, processedMjdTai: number) {
  return {
    diaSourceId: s.diaSourceId,
    visit: BigInt(s.visit),
    detector: s.detector,
    diaObjectId: s.diaObjectId,
    midpointMjdTai: s.midpointMjdTai,
    ra: s.ra,
    raErr: opt(s.raErr),
    dec: s.dec,
    decErr: opt(s.decErr),
    x: s.x,
    y: s.y,
    isNegative: s.psfFlux < 0,
    snr: opt(s.snr),
    psfFlux: opt(s.psfFlux),
    psfFluxErr: opt(s.psfFluxErr),
    scienceFlux: opt(s.scienceFlux),
    scienceFluxErr: opt(s.scienceFluxErr),
    band: s.band,
    isDipole: s.isDipole,
    timeProcessedMjdTai: processedMjdTai,
    pixelFlags_cr: s.pixelFlags_cr,
    pixelFlags_edge: s.pixelFlags_edge,
    pixelFlags_saturated: s.pixelFlags_saturated,
  };
}

/** The Avro record of one alert, as plain values (what `encodeAlert` writes and `decodeAlert` gives back). */
export function alertRecord(a: AlertInput) {
  return {
    diaSourceId: a.diaSource.diaSourceId,
    diaSource: sourceRecord(a.diaSource, a.processedMjdTai),
    prvDiaSources: a.prvDiaSources.map((s) => sourceRecord(s, a.processedMjdTai)),
    prvDiaForcedSources: a.prvDiaForcedSources.map((f) => ({
      diaForcedSourceId: f.diaForcedSourceId,
      diaObjectId: f.diaObjectId,
      ra: f.ra,
      dec: f.dec,
      visit: BigInt(f.visit),
      detector: f.detector,
      psfFlux: opt(f.psfFlux),
      psfFluxErr: opt(f.psfFluxErr),
      midpointMjdTai: f.midpointMjdTai,
      scienceFlux: opt(f.scienceFlux),
      scienceFluxErr: opt(f.scienceFluxErr),
      band: f.band,
      timeProcessedMjdTai: a.processedMjdTai,
    })),
    diaObject: {
      diaObjectId: a.diaObject.diaObjectId,
      validityStartMjdTai: a.processedMjdTai,
      ra: a.diaObject.ra,
      dec: a.diaObject.dec,
      firstDiaSourceMjdTai: a.diaObject.firstDiaSourceMjdTai,
      lastDiaSourceMjdTai: a.diaObject.lastDiaSourceMjdTai,
      nDiaSources: a.diaObject.nDiaSources,
    },
    cutoutDifference: buf(a.cutouts?.difference),
    cutoutScience: buf(a.cutouts?.science),
    cutoutTemplate: buf(a.cutouts?.template),
  };
}

export type AlertRecord = ReturnType<typeof alertRecord>;

export function encodeAlert(a: AlertInput): Buffer {
  return alertType().toBuffer(alertRecord(a));
}

export function decodeAlert(bytes: Uint8Array): AlertRecord {
  return alertType().fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as AlertRecord;
}
