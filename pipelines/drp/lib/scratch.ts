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

type Plane = Float32Array | Uint8Array | Int32Array;

/** The plane kept under `name` in `store` when it has n values, else a new one (kept up to 1 Mpx). */
function kept<T extends Plane>(store: Map<string, T>, make: (n: number) => T, name: string, n: number): T {
  const plane = store.get(name);
  if (plane && plane.length === n) return plane;
  const fresh = make(n);
  if (n <= MAX_SCRATCH_PIXELS) store.set(name, fresh);
  return fresh;
}

/** `kept`, zeroed: a kept plane is cleared, a new one is zeros already. */
function zeroed<T extends Plane>(store: Map<string, T>, make: (n: number) => T, name: string, n: number): T {
  const plane = store.get(name);
  return plane && plane.length === n ? (plane.fill(0) as T) : kept(store, make, name, n);
}

const newFloat32 = (n: number) => new Float32Array(n);
const newUint8 = (n: number) => new Uint8Array(n);
const newInt32 = (n: number) => new Int32Array(n);

/** A Float32Array of n values with undefined contents (the caller overwrites it whole). */
export const scratchFloat32 = (name: string, n: number): Float32Array => kept(float32, newFloat32, name, n);

/** A Float32Array of n zeros. */
export const zeroedFloat32 = (name: string, n: number): Float32Array => zeroed(float32, newFloat32, name, n);

/** A Uint8Array of n values with undefined contents (the caller overwrites it whole). */
export const scratchUint8 = (name: string, n: number): Uint8Array => kept(uint8, newUint8, name, n);

/** A Uint8Array of n zeros. */
export const zeroedUint8 = (name: string, n: number): Uint8Array => zeroed(uint8, newUint8, name, n);

/** An Int32Array of n zeros. */
export const zeroedInt32 = (name: string, n: number): Int32Array => zeroed(int32, newInt32, name, n);
