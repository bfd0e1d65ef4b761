import type { Scalar } from '../../framework/values.ts';

/**
 * Exposure metadata becomes FITS header cards, which cannot hold NaN or infinities: a result that
 * could not be computed is left out rather than failing the whole quantum's output.
 */
export function finiteMetadata(meta: Record<string, Scalar>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(meta)) if (typeof v !== 'number' || Number.isFinite(v)) out[k] = v;
  return out;
}
