/**
 * Matching detected sources to reference objects on the pixel grid.
 *
 * `voteOffset` finds the translation between the two lists by voting: every source-reference
 * pair within maxOffsetPx adds a vote to a 1-px bin of its (dx, dy); the 3x3 window with the
 * most votes wins, and the offset is the median of the pairs near it. True pairs agree on one
 * offset while chance pairs spread over the whole window, so a few dozen bright objects suffice
 * (the idea behind the "offset histogram" stage of astrometric matchers; LSST's matchOptimisticB
 * also votes, on pair-pattern distances, which tolerates rotation and scale errors as well). It
 * assumes the starting WCS is right up to a shift: SimCam's commanded rotation errs by ~0.005 deg,
 * 0.04 px across a detector.
 *
 * `matchNearest` then pairs each source with the nearest reference within a radius, one to one
 * (closest pairs first), using a grid hash.
 */

export interface Offset {
  dx: number;
  dy: number;
  votes: number;
}

export function voteOffset(sx: ArrayLike<number>, sy: ArrayLike<number>, rx: ArrayLike<number>, ry: ArrayLike<number>, maxOffsetPx: number): Offset {
  const m = Math.ceil(maxOffsetPx);
  const size = 2 * m + 1;
  const hist = new Int32Array(size * size);
  for (let i = 0; i < sx.length; i++) {
    for (let j = 0; j < rx.length; j++) {
      const dx = sx[i]! - rx[j]!;
      const dy = sy[i]! - ry[j]!;
      if (Math.abs(dx) > m || Math.abs(dy) > m) continue;
      hist[(Math.round(dy) + m) * size + Math.round(dx) + m]!++;
    }
  }
  let best = -1;
  let bx = 0;
  let by = 0;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      let s = 0;
      for (let j = -1; j <= 1; j++) for (let i = -1; i <= 1; i++) s += hist[(y + j) * size + x + i]!;
      if (s > best) {
        best = s;
        bx = x - m;
        by = y - m;
      }
    }
  }
  // Refine: median offset of the pairs within 2 px of the winning bin.
  const dxs: number[] = [];
  const dys: number[] = [];
  for (let i = 0; i < sx.length; i++) {
    for (let j = 0; j < rx.length; j++) {
      const dx = sx[i]! - rx[j]!;
      const dy = sy[i]! - ry[j]!;
      if (Math.abs(dx - bx) <= 2 && Math.abs(dy - by) <= 2) {
        dxs.push(dx);
        dys.push(dy);
      }
    }
  }
  const med = (a: number[]) => {
    a.sort((p, q) => p - q);
    return a.length === 0 ? 0 : a.length % 2 ? a[a.length >> 1]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
  };
  return { dx: med(dxs), dy: med(dys), votes: dxs.length };
}

export interface Matches {
  source: Int32Array;
  reference: Int32Array;
  distancePx: Float64Array;
}

export function matchNearest(sx: ArrayLike<number>, sy: ArrayLike<number>, rx: ArrayLike<number>, ry: ArrayLike<number>, radiusPx: number): Matches {
  const cell = Math.max(radiusPx, 1);
  const grid = new Map<string, number[]>();
  for (let j = 0; j < rx.length; j++) {
    const key = `${Math.floor(rx[j]! / cell)},${Math.floor(ry[j]! / cell)}`;
    const list = grid.get(key);
    if (list) list.push(j);
    else grid.set(key, [j]);
  }
  const pairs: { i: number; j: number; d: number }[] = [];
  for (let i = 0; i < sx.length; i++) {
    const cx = Math.floor(sx[i]! / cell);
    const cy = Math.floor(sy[i]! / cell);
    for (let gy = cy - 1; gy <= cy + 1; gy++) {
      for (let gx = cx - 1; gx <= cx + 1; gx++) {
        for (const j of grid.get(`${gx},${gy}`) ?? []) {
          const d = Math.hypot(sx[i]! - rx[j]!, sy[i]! - ry[j]!);
          if (d <= radiusPx) pairs.push({ i, j, d });
        }
      }
    }
  }
  pairs.sort((a, b) => a.d - b.d || a.i - b.i || a.j - b.j);
  const usedS = new Uint8Array(sx.length);
  const usedR = new Uint8Array(rx.length);
  const out: { i: number; j: number; d: number }[] = [];
  for (const p of pairs) {
    if (usedS[p.i] || usedR[p.j]) continue;
    usedS[p.i] = 1;
    usedR[p.j] = 1;
    out.push(p);
  }
  out.sort((a, b) => a.i - b.i);
  return { source: Int32Array.from(out, (p) => p.i), reference: Int32Array.from(out, (p) => p.j), distancePx: Float64Array.from(out, (p) => p.d) };
}
