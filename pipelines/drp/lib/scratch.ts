/**
 * Working planes kept per thread between images instead of allocated for each: a task's
 * megabytes of temporaries, freed at every image, are what make V8 run mark-compacts (on the
 * thread and on its background GC threads) in a pipeline worker. Each plane has one owner
 * (`name`), used by one function that does not call back into another user of the same name;
 * a plane is never part of a result. Kept only up to 1 Mpx: a coadd-sized image's planes would
 * hold hundreds of MB per thread.
 */
const MAX_SCRATCH_PIXELS = 1 << 20;
const float32 = new Map<string, Float32Array>();
const uint8 = new Map<string, Uint8Array>();
const int32 = new Map<string, Int32Array>();

const sets = new Map<string, { n: number; planes: unknown }>();

/**
 * A set of working planes for n pixels, made by `make`, kept under `name` for the next call with
 * the same n. Kept planes hold the last call's values: the caller zeroes what it reads before
 * writing. Above 1 Mpx the set is made anew and nothing is kept.
 */
export function keptPlanes<T>(name: string, n: number, make: () => T): T {
  const kept = sets.get(name);
  if (kept && kept.n === n) return kept.planes as T;
  const planes = make();
  if (n <= MAX_SCRATCH_PIXELS) sets.set(name, { n, planes });
  else sets.delete(name);
  return planes;
}

/** A Float32Array of n values with undefined contents (the caller overwrites it whole). */
export function scratchFloat32(name: string, n: number): Float32Array {
  const kept = float32.get(name);
  if (kept && kept.length === n) return kept;
  const plane = new Float32Array(n);
  if (n <= MAX_SCRATCH_PIXELS) float32.set(name, plane);
  return plane;
}

/** A Float32Array of n zeros. */
export function zeroedFloat32(name: string, n: number): Float32Array {
  const kept = float32.get(name);
  if (kept && kept.length === n) return kept.fill(0);
  return scratchFloat32(name, n);
}

/** A Uint8Array of n values with undefined contents (the caller overwrites it whole). */
export function scratchUint8(name: string, n: number): Uint8Array {
  const kept = uint8.get(name);
  if (kept && kept.length === n) return kept;
  const plane = new Uint8Array(n);
  if (n <= MAX_SCRATCH_PIXELS) uint8.set(name, plane);
  return plane;
}

/** A Uint8Array of n zeros. */
export function zeroedUint8(name: string, n: number): Uint8Array {
  const kept = uint8.get(name);
  if (kept && kept.length === n) return kept.fill(0);
  return scratchUint8(name, n);
}

/** An Int32Array of n zeros. */
export function zeroedInt32(name: string, n: number): Int32Array {
  const kept = int32.get(name);
  if (kept && kept.length === n) return kept.fill(0);
  const plane = new Int32Array(n);
  if (n <= MAX_SCRATCH_PIXELS) int32.set(name, plane);
  return plane;
}
