import type { Db } from '../../server/db/client.ts';
import { createUser, type Actor } from '../../server/auth/index.ts';
import { insertDimensionRecords } from '../../server/repo/index.ts';

export async function makeActor(db: Db, name = 'alice', role: Actor['role'] = 'developer'): Promise<Actor> {
  const u = await createUser(db, name, role);
  return { id: u.id, name: u.name, role: u.role };
}

const square = (ra: number, dec: number, half: number): [number, number][] => [
  [ra - half, dec - half],
  [ra + half, dec - half],
  [ra + half, dec + half],
  [ra - half, dec + half],
];

export const NIGHT0 = Date.UTC(2026, 10, 1, 2, 0, 0);

/**
 * A small instrument "TestCam": bands g and r, `nVisits` visits of 30 s an hour apart on one
 * night (odd ids g, even ids r), `nDetectors` detectors, and a skymap with one tract of 4 patches.
 */
export async function seedDimensions(db: Db, opts: { nVisits?: number; nDetectors?: number } = {}): Promise<void> {
  const nVisits = opts.nVisits ?? 6;
  const nDetectors = opts.nDetectors ?? 2;
  await insertDimensionRecords(db, 'instrument', [{ name: 'TestCam' }]);
  await insertDimensionRecords(db, 'physical_filter', [
    { instrument: 'TestCam', name: 'TestCam-g', band: 'g' },
    { instrument: 'TestCam', name: 'TestCam-r', band: 'r' },
  ]);
  await insertDimensionRecords(db, 'day_obs', [{ instrument: 'TestCam', id: 20261101 }]);
  await insertDimensionRecords(
    db,
    'visit',
    Array.from({ length: nVisits }, (_, i) => {
      const id = i + 1;
      const begin = new Date(NIGHT0 + i * 3_600_000);
      return {
        instrument: 'TestCam',
        id,
        physicalFilter: id % 2 === 1 ? 'TestCam-g' : 'TestCam-r',
        dayObs: 20261101,
        beginTime: begin,
        endTime: new Date(begin.getTime() + 30_000),
        exposureTimeS: 30,
        raDeg: 150 + i * 0.01,
        decDeg: 2,
        region: square(150 + i * 0.01, 2, 0.1),
      };
    }),
  );
  await insertDimensionRecords(
    db,
    'detector',
    Array.from({ length: nDetectors }, (_, i) => ({ instrument: 'TestCam', id: i, fullName: `S${i}` })),
  );
  await insertDimensionRecords(db, 'skymap', [{ name: 'testmap' }]);
  await insertDimensionRecords(db, 'tract', [{ skymap: 'testmap', id: 0, raDeg: 150, decDeg: 2, region: square(150, 2, 1) }]);
  await insertDimensionRecords(
    db,
    'patch',
    [0, 1, 2, 3].map((id) => ({ skymap: 'testmap', tract: 0, id, cellX: id % 2, cellY: Math.floor(id / 2), region: square(150, 2, 0.5) })),
  );
}
