import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/db.ts';
import { useTestVera } from '../support/vera.ts';
import { seedSimCamVisits, truthSim } from '../support/ap-truth.ts';

const t = useTestDatabase();
const v = useTestVera(t);

describe('GraphQL replays', () => {
  it('startReplay is for operators and refuses unknown input collections before recording anything; replays lists none', async () => {
    await seedSimCamVisits(t.db, truthSim(2));
    const dev = await v.user('dev', 'developer');
    const op = await v.user('op', 'operator');
    const start = `mutation { startReplay(instrument: "SimCam", codeRef: "main", inputs: ["SimCam/defaults", "templates/none"]) { id status } }`;
    const denied = await v.gql(start, {}, dev.token);
    expect(denied.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const unknown = await v.gql(start, {}, op.token);
    expect(unknown.errors?.[0]?.extensions.code).toBe('UNKNOWN_COLLECTION');
    expect(unknown.errors?.[0]?.message).toMatch(/SimCam\/defaults/);
    const list = await v.gql<{ replays: unknown[] }>(`{ replays { id status visits { seq latencyMs } } }`);
    expect(list.data?.replays).toEqual([]);
  });
});
