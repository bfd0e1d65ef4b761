import { z } from 'zod';
import { PipelineError } from '../../framework/errors.ts';
import type { TanWcs } from '../../image/types.ts';
import { shiftWcs } from '../../image/wcs.ts';
import { DEFAULT_SIMCAM_OPTIONS } from '../../simcam/index.ts';
import { defineSkymap } from '../../simcam/skymap.ts';

/**
 * Patch geometry from a skymap definition: the `definition` JSON of a skymap dimension record
 * (what SimCam's defineSkymap writes): one TAN projection per tract, cut into
 * patchesPerSide² patches of patchInnerSizePx, each grown by patchBorderPx and clipped to the
 * tract. Patch id = cellY · patchesPerSide + cellX; a patch's pixel grid is the tract's, shifted
 * so that its outer bbox starts at (0, 0).
 */

const TanWcsSchema = z
  .object({
    crvalDeg: z.tuple([z.number(), z.number()]),
    crpixPx: z.tuple([z.number(), z.number()]),
    cdDegPerPx: z.tuple([z.tuple([z.number(), z.number()]), z.tuple([z.number(), z.number()])]),
  })
  .strict();

const BoxSchema = z.object({ x0: z.number().int(), y0: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() }).strict();

export const SkymapDefinitionSchema = z
  .object({
    projection: z.literal('TAN'),
    pixelScaleArcsec: z.number().positive(),
    patchesPerSide: z.number().int().positive(),
    patchInnerSizePx: z.number().int().positive(),
    patchBorderPx: z.number().int().nonnegative(),
    tracts: z.array(z.object({ id: z.number().int(), centerDeg: z.tuple([z.number(), z.number()]), wcs: TanWcsSchema, bbox: BoxSchema }).strict()).min(1),
  })
  .strict();
export type SkymapDefinition = z.infer<typeof SkymapDefinitionSchema>;

/** The default SimCam skymap's definition (the default for tasks that need patch geometry). */
export const SIMCAM_SKYMAP_DEFINITION: SkymapDefinition = SkymapDefinitionSchema.parse(defineSkymap(DEFAULT_SIMCAM_OPTIONS).skymap.definition);

export interface PatchGrid {
  tract: number;
  patch: number;
  wcs: TanWcs;
  width: number;
  height: number;
  /** The inner (non-overlapping) region in the patch's own pixels: x0 <= x < x1, y0 <= y < y1. */
  inner: { x0: number; y0: number; x1: number; y1: number };
}

export function patchGrid(def: SkymapDefinition, tractId: number, patchId: number): PatchGrid {
  const tract = def.tracts.find((t) => t.id === tractId);
  if (!tract) throw new PipelineError('BAD_INPUT', `skymap has no tract ${tractId}`, { tract: tractId, tracts: def.tracts.map((t) => t.id) });
  const n = def.patchesPerSide;
  if (!Number.isInteger(patchId) || patchId < 0 || patchId >= n * n) throw new PipelineError('BAD_INPUT', `skymap has no patch ${patchId} (patches 0..${n * n - 1})`, { patch: patchId });
  const cellX = patchId % n;
  const cellY = Math.floor(patchId / n);
  const size = def.patchInnerSizePx;
  const ix0 = tract.bbox.x0 + cellX * size;
  const iy0 = tract.bbox.y0 + cellY * size;
  const x0 = Math.max(tract.bbox.x0, ix0 - def.patchBorderPx);
  const y0 = Math.max(tract.bbox.y0, iy0 - def.patchBorderPx);
  const x1 = Math.min(tract.bbox.x0 + tract.bbox.width, ix0 + size + def.patchBorderPx);
  const y1 = Math.min(tract.bbox.y0 + tract.bbox.height, iy0 + size + def.patchBorderPx);
  return {
    tract: tractId,
    patch: patchId,
    wcs: shiftWcs(tract.wcs as TanWcs, x0, y0),
    width: x1 - x0,
    height: y1 - y0,
    inner: { x0: ix0 - x0, y0: iy0 - y0, x1: ix0 + size - x0, y1: iy0 + size - y0 },
  };
}

/** FITS-friendly metadata keys for a patch (8 characters at most). */
export function patchMetadata(g: PatchGrid): Record<string, number> {
  return { TRACT: g.tract, PATCH: g.patch, INNERX0: g.inner.x0, INNERY0: g.inner.y0, INNERX1: g.inner.x1, INNERY1: g.inner.y1 };
}
