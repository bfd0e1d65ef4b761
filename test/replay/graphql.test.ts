import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/db.ts';
import { useTestVera } from '../support/vera.ts';
import { seedSimCamVisits, truthSim } from '../support/ap-truth.ts';

const t = useTestDatabase();
const v = useTestVera(t);

describe('GraphQL replays', () => {
  it('startReplay is for operators; without a processing step a Vera says it cannot run replays; replays lists none', async () => {
    await seedSimCamVisits(t.db, truthSim(2));
    const dev = await v.user('dev', 'developer');
    const op = await v.user('op', 'operator');
    const start = `mutation { startReplay(instrument: "SimCam", codeRef: "main") { id status } }`;
    const denied = await v.gql(start, {}, dev.token);
    expect(denied.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const noProcessor = await v.gql(start, {}, op.token);
    expect(noProcessor.errors?.[0]?.message).toMatch(/AP tasks are not wired/);
    const list = await v.gql<{ replays: unknown[] }>(`{ replays { id status visits { seq latencyMs } } }`);
    expect(list.data?.replays).toEqual([]);
  });
});
