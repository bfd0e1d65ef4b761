import { createHash } from 'node:crypto';
import { boxRegion, makeTanWcs, shiftWcs } from '../image/wcs.ts';
import { fieldHalfSizePx } from './layout.ts';
import type { BoxI, PatchGeometry, PatchRecord, ResolvedOptions, SkymapRecord, TractGeometry, TractRecord } from './types.ts';

/**
 * The skymap: one tract, a TAN projection centred on the field (north up, east left, the
 * camera's pixel scale), covering every pixel any visit can touch, cut into patchesPerSide²
 * patches. Patch id = cellY · patchesPerSide + cellX (cellY = 0 at the bottom). A patch's outer
 * bbox is its inner bbox grown by the border and clipped to the tract; its pixel grid is the
 * tract's, shifted so the outer bbox starts at (0, 0).
 */

export const SKYMAP_NAME = 'simcam-skymap';

function edges(box: BoxI): [number, number, number, number] {
  return [box.x0 - 0.5, box.y0 - 0.5, box.x0 + box.width - 0.5, box.y0 + box.height - 0.5];
}

export function defineSkymap(options: ResolvedOptions): { skymap: SkymapRecord; tracts: TractRecord[]; patches: PatchRecord[]; geometry: TractGeometry[] } {
  const n = options.patchesPerSide;
  const border = options.patchBorderPx;
  // Inner patch size rounded up to 10 px so the tract covers the field with whole patches.
  const innerPx = Math.ceil((2 * fieldHalfSizePx(options)) / n / 10) * 10;
  const sizePx = innerPx * n;
  const c = (sizePx - 1) / 2;
  const wcs = makeTanWcs(options.fieldCenterDeg, [c, c], options.pixelScaleArcsec, 0);
  const bbox: BoxI = { x0: 0, y0: 0, width: sizePx, height: sizePx };
  const patches: PatchGeometry[] = [];
  const patchRecords: PatchRecord[] = [];
  for (let cellY = 0; cellY < n; cellY++) {
    for (let cellX = 0; cellX < n; cellX++) {
      const id = cellY * n + cellX;
      const inner: BoxI = { x0: cellX * innerPx, y0: cellY * innerPx, width: innerPx, height: innerPx };
      const x0 = Math.max(0, inner.x0 - border);
      const y0 = Math.max(0, inner.y0 - border);
      const x1 = Math.min(sizePx, inner.x0 + innerPx + border);
      const y1 = Math.min(sizePx, inner.y0 + innerPx + border);
      const outer: BoxI = { x0, y0, width: x1 - x0, height: y1 - y0 };
      patches.push({ id, cellX, cellY, innerBBox: inner, outerBBox: outer, wcs: shiftWcs(wcs, x0, y0), innerRegion: boxRegion(wcs, ...edges(inner)) });
      patchRecords.push({ skymap: SKYMAP_NAME, tract: 0, id, cellX, cellY, region: boxRegion(wcs, ...edges(outer)) });
    }
  }
  const tract: TractGeometry = { id: 0, wcs, bbox, patches };
  const definition = {
    projection: 'TAN',
    pixelScaleArcsec: options.pixelScaleArcsec,
    patchesPerSide: n,
    patchInnerSizePx: innerPx,
    patchBorderPx: border,
    tracts: [{ id: 0, centerDeg: options.fieldCenterDeg, wcs, bbox }],
  };
  return {
    skymap: { name: SKYMAP_NAME, hash: createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 16), definition },
    tracts: [{ skymap: SKYMAP_NAME, id: 0, raDeg: options.fieldCenterDeg[0], decDeg: options.fieldCenterDeg[1], region: boxRegion(wcs, ...edges(bbox)) }],
    patches: patchRecords,
    geometry: [tract],
  };
}
