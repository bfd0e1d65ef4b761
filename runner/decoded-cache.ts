import type { ConnectionSpec } from '../pipelines/framework/task.ts';

/**
 * Decoded datasets a worker keeps between quanta, keyed by storage class and the checksum of the
 * bytes they were decoded from (`sha256:<hex>`, as the datastore records it): the same bytes
 * always decode to the same value, so a dataset whose file changed is a different key, a miss.
 * Least recently used entries go first once the values' sizes add up to more than `maxBytes`.
 *
 * The cache holds a value for two kinds of use (execute-quantum.ts): read-only inputs (the same
 * deepCoadd patches, bias, flat and refcat for every detector of every visit) are handed to
 * tasks as they are, and checked after each task for writes (see fingerprint); outputs a quantum
 * produced are handed to a dependent quantum on the same worker as a copy, so no task ever holds
 * memory the cache will hand to another.
 */
export class DecodedCache {
  private readonly entries = new Map<string, { value: unknown; bytes: number; fingerprint: string | undefined }>();
  private total = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry, made the most recently used; undefined (a miss) when absent. */
  get(key: string): { value: unknown; fingerprint: string | undefined } | undefined {
    const e = this.entries.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Keeps a value (replacing one under the key); one larger than the whole budget is not kept. */
  set(key: string, value: unknown, fingerprint?: string): void {
    this.delete(key);
    const bytes = sizeOfValue(value);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes, fingerprint });
    this.total += bytes;
    for (const [k, e] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(k);
      this.total -= e.bytes;
    }
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.total -= e.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}

/**
 * Whether a task may be handed a decoded value it shares with later quanta: it declared the
 * connection read-only, or the connection is a calibration or prerequisite, which tasks read and
 * never write. Checked after each task (see executeQuantum): a task that writes into such a value
 * fails, and the value is dropped from the cache.
 */
export function isReadOnly(spec: ConnectionSpec | undefined): boolean {
  return spec !== undefined && (spec.readOnly === true || spec.kind === 'calibration' || spec.kind === 'prerequisite');
}

/** The cache key of a dataset: its storage class (which codec decoded it) and its bytes' checksum. */
export function cacheKey(storageClass: string, checksum: string): string {
  return `${storageClass}|${checksum}`;
}

/** Default budget per worker: decoded deepCoadds of a tract's patches, calibrations and refcats, and a visit's hand-offs. */
export const DEFAULT_DECODED_CACHE_BYTES = 256 << 20;

/** The budget from VERA_DECODED_CACHE_MB (0 turns the cache off), else the default. */
export function decodedCacheBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.VERA_DECODED_CACHE_MB;
  if (raw === undefined || raw === '') return DEFAULT_DECODED_CACHE_BYTES;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb < 0) throw new Error(`VERA_DECODED_CACHE_MB must be a number of megabytes >= 0, not '${raw}'`);
  return Math.floor(mb * 2 ** 20);
}

/** Approximate memory of a decoded value: typed arrays by their length in bytes, other leaves a few words. */
export function sizeOfValue(value: unknown): number {
  let total = 0;
  const seen = new Set<unknown>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || v === undefined) continue;
    if (typeof v === 'string') total += 16 + 2 * v.length;
    else if (typeof v !== 'object') total += 8;
    else if (seen.has(v)) continue;
    else {
      seen.add(v);
      if (ArrayBuffer.isView(v)) total += v.byteLength;
      else if (Array.isArray(v)) {
        total += 16 + 8 * v.length;
        for (const x of v) if (x !== null && typeof x === 'object') stack.push(x);
        else if (typeof x === 'string') total += 16 + 2 * x.length;
      } else {
        total += 32;
        for (const x of Object.values(v as Record<string, unknown>)) stack.push(x);
      }
    }
  }
  return total;
}

/**
 * A digest of everything a value holds (typed arrays' contents, numbers, strings, structure):
 * equal before and after a task ran means the task wrote nothing into it. FNV-style lanes over the
 * arrays' 32-bit words, each step a bijection of the word, so a task that changes a single word
 * always changes its lane; a mix of changes escapes with odds near 2^-32. Not a cryptographic
 * hash (nothing here is adversarial): about 0.2 ms per MB, several times faster than SHA-256.
 */
export function fingerprint(value: unknown): string {
  const h = new Int32Array([0x811c9dc5 | 0, 0x9e3779b9 | 0]);
  const text = (t: string) => {
    for (let i = 0; i < t.length; i++) mix(h, t.charCodeAt(i));
  };
  const walk = (v: unknown): void => {
    if (v === null || v === undefined || typeof v !== 'object') {
      text(`${typeof v}:${String(v)};`);
      return;
    }
    if (ArrayBuffer.isView(v)) {
      text(`${v.constructor.name}[${v.byteLength}]`);
      const whole = v.byteOffset % 4 === 0 ? v.byteLength >>> 2 : 0;
      hashWords(h, new Uint32Array(v.buffer, v.byteOffset, whole));
      const rest = new Uint8Array(v.buffer, v.byteOffset + whole * 4, v.byteLength - whole * 4);
      for (let i = 0; i < rest.length; i++) mix(h, rest[i]!);
      return;
    }
    if (Array.isArray(v)) {
      text(`[${v.length}`);
      for (const x of v) walk(x);
      text(']');
      return;
    }
    text('{');
    for (const k of Object.keys(v)) {
      text(`${k}:`);
      walk((v as Record<string, unknown>)[k]);
    }
    text('}');
  };
  walk(value);
  return `${(h[0]! >>> 0).toString(16)}-${(h[1]! >>> 0).toString(16)}`;
}

function mix(h: Int32Array, x: number): void {
  h[0] = Math.imul(h[0]! ^ x, 0x01000193);
  const b = Math.imul((h[1]! + x) | 0, 0x5bd1e995);
  h[1] = b ^ (b >>> 15);
}

/** The hot loop of fingerprint: four interleaved lanes (independent multiplies run in parallel), then a fold. */
function hashWords(h: Int32Array, u: Uint32Array): void {
  let a = h[0]!;
  let b = h[1]!;
  let c = 0x27d4eb2f;
  let d = 0x165667b1;
  const m = u.length & ~3;
  for (let i = 0; i < m; i += 4) {
    a = Math.imul(a ^ u[i]!, 0x01000193);
    b = Math.imul(b ^ u[i + 1]!, 0x01000193);
    c = Math.imul(c ^ u[i + 2]!, 0x01000193);
    d = Math.imul(d ^ u[i + 3]!, 0x01000193);
  }
  for (let i = m; i < u.length; i++) a = Math.imul(a ^ u[i]!, 0x01000193);
  h[0] = Math.imul(a ^ c, 0x5bd1e995) ^ m;
  h[1] = Math.imul(b ^ d, 0x5bd1e995) ^ (m >>> 16);
}
