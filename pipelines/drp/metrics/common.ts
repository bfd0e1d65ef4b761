import type { MeasurementValue } from '../../framework/values.ts';
import { skyToIntermediate } from '../../image/wcs.ts';

/**
 * Helpers shared by the DRP metric tasks: lsst.verify-style measurements of the metrics defined
 * in pipelines/metrics/metrics/simcam_drp.yaml, sky positions on a local tangent plane, and positional
 * grouping of sources across visits.
 */

export const METRIC_PACKAGE = 'simcam_drp';

type Extras = NonNullable<MeasurementValue['extras']>;

/** A measurement of `simcam_drp.<name>`; a non-finite value is stored as null (nothing measured). */
export function measurement(name: string, value: number, unit: string, extras: Extras = {}, notes: MeasurementValue['notes'] = {}): MeasurementValue {
  const clean: Extras = {};
  for (const [k, e] of Object.entries(extras)) if (Number.isFinite(e.value)) clean[k] = e;
  return { metric: `${METRIC_PACKAGE}.${name}`, value: Number.isFinite(value) ? value : null, unit, extras: clean, notes };
}

/** Offsets of (ra, dec) from a centre on the tangent plane, arcsec (east, north). */
export function tangentArcsec(centre: [number, number], raDeg: number, decDeg: number): [number, number] {
  const [xi, eta] = skyToIntermediate(centre, raDeg, decDeg);
  return [(xi * 180 * 3600) / Math.PI, (eta * 180 * 3600) / Math.PI];
}

/** Upper-tail quantile of χ² with k degrees of freedom at p = 0.001 (k = 1..10; Wilson-Hilferty beyond). */
export function chiSquare999(k: number): number {
  const table = [10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59];
  if (k >= 1 && k <= table.length) return table[k - 1]!;
  const z = 3.0902;
  return k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;
}

export interface Group {
  /** Running mean position, arcsec on the tangent plane. */
  x: number;
  y: number;
  members: number[];
  visits: Set<number>;
}

/**
 * Positional association across visits (the role of afw's MultiMatch in validate_drp): sources
 * are taken visit by visit; each joins the group whose mean position is nearest within
 * radiusArcsec and which has no member from its visit yet, or starts a new group.
 */
export function associate(x: ArrayLike<number>, y: ArrayLike<number>, visit: ArrayLike<number>, radiusArcsec: number): Group[] {
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => visit[a]! - visit[b]! || a - b);
  const groups: Group[] = [];
  const grid = new Map<string, number[]>();
  const cell = radiusArcsec * 2;
  const key = (gx: number, gy: number) => `${gx},${gy}`;
  for (const i of order) {
    const gx = Math.floor(x[i]! / cell);
    const gy = Math.floor(y[i]! / cell);
    let best = -1;
    let bestD = radiusArcsec;
    for (let a = gx - 1; a <= gx + 1; a++) {
      for (let b = gy - 1; b <= gy + 1; b++) {
        for (const g of grid.get(key(a, b)) ?? []) {
          const grp = groups[g]!;
          if (grp.visits.has(visit[i]!)) continue;
          const d = Math.hypot(grp.x - x[i]!, grp.y - y[i]!);
          if (d <= bestD) {
            bestD = d;
            best = g;
          }
        }
      }
    }
    if (best < 0) {
      groups.push({ x: x[i]!, y: y[i]!, members: [i], visits: new Set([visit[i]!]) });
      const k = key(gx, gy);
      grid.set(k, [...(grid.get(k) ?? []), groups.length - 1]);
    } else {
      // The group stays in the grid cell of its first member: means move by far less than a cell.
      const g = groups[best]!;
      const n = g.members.length;
      g.x = (g.x * n + x[i]!) / (n + 1);
      g.y = (g.y * n + y[i]!) / (n + 1);
      g.members.push(i);
      g.visits.add(visit[i]!);
    }
  }
  return groups;
}
