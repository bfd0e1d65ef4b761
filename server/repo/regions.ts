/**
 * Sky regions are convex polygons of [raDeg, decDeg] vertices. Overlap is decided in a gnomonic
 * projection centred between the two polygons (exact for great-circle edges, which project to
 * straight lines), with the separating axis theorem for convex polygons.
 */
export type Polygon = readonly (readonly [number, number])[];

const DEG = Math.PI / 180;

function unitVector(raDeg: number, decDeg: number): [number, number, number] {
  const ra = raDeg * DEG;
  const dec = decDeg * DEG;
  return [Math.cos(dec) * Math.cos(ra), Math.cos(dec) * Math.sin(ra), Math.sin(dec)];
}

function centre(polys: readonly Polygon[]): [number, number, number] {
  const c: [number, number, number] = [0, 0, 0];
  for (const p of polys) {
    for (const [ra, dec] of p) {
      const v = unitVector(ra, dec);
      c[0] += v[0];
      c[1] += v[1];
      c[2] += v[2];
    }
  }
  const n = Math.hypot(c[0], c[1], c[2]);
  return [c[0] / n, c[1] / n, c[2] / n];
}

/** Gnomonic projection about unit vector `c`; null for points 90 degrees or more away. */
function project(poly: Polygon, c: [number, number, number]): [number, number][] | null {
  // Tangent-plane basis: east (e) and north (n) at c.
  const e = Math.hypot(c[0], c[1]) > 1e-12 ? [-c[1], c[0], 0] : [1, 0, 0];
  const en = Math.hypot(e[0]!, e[1]!, e[2]!);
  const ex = [e[0]! / en, e[1]! / en, e[2]! / en];
  const nx = [c[1] * ex[2]! - c[2] * ex[1]!, c[2] * ex[0]! - c[0] * ex[2]!, c[0] * ex[1]! - c[1] * ex[0]!];
  const out: [number, number][] = [];
  for (const [ra, dec] of poly) {
    const v = unitVector(ra, dec);
    const cosd = v[0] * c[0] + v[1] * c[1] + v[2] * c[2];
    if (cosd <= 1e-6) return null;
    out.push([(v[0] * ex[0]! + v[1] * ex[1]! + v[2] * ex[2]!) / cosd, (v[0] * nx[0]! + v[1] * nx[1]! + v[2] * nx[2]!) / cosd]);
  }
  return out;
}

function separated(a: [number, number][], b: [number, number][]): boolean {
  for (const poly of [a, b]) {
    for (let i = 0; i < poly.length; i++) {
      const [x1, y1] = poly[i]!;
      const [x2, y2] = poly[(i + 1) % poly.length]!;
      const nx = y2 - y1;
      const ny = x1 - x2;
      let minA = Infinity;
      let maxA = -Infinity;
      for (const [x, y] of a) {
        const d = x * nx + y * ny;
        minA = Math.min(minA, d);
        maxA = Math.max(maxA, d);
      }
      let minB = Infinity;
      let maxB = -Infinity;
      for (const [x, y] of b) {
        const d = x * nx + y * ny;
        minB = Math.min(minB, d);
        maxB = Math.max(maxB, d);
      }
      if (maxA < minB || maxB < minA) return true;
    }
  }
  return false;
}

export function polygonsOverlap(a: Polygon, b: Polygon): boolean {
  const c = centre([a, b]);
  const pa = project(a, c);
  const pb = project(b, c);
  // Polygons on opposite sides of the sky (more than 90 degrees from their common centre) cannot overlap.
  if (!pa || !pb) return false;
  return !separated(pa, pb);
}
