import { describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../server/db/client.ts';
import type { VeraEvents } from '../../server/events/bus.ts';
import { getRun } from '../../server/runs/queries.ts';
import { useTestDatabase } from '../support/db.ts';
import { seedToyRaw, TOY_PIPELINE } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * Operator campaigns on the local executor: a developer's request with its estimate, a second
 * user's approval submitting its runs, progress and cost read back; quotas and self-approval
 * refused. The same flow on Slurm is in test/runner/slurm.test.ts.
 */
const t = useTestDatabase();
const v = useTestVera(t);

const CAMPAIGN = `name requester status state executor chunks
  estimate { quanta coreHours bytes }
  runs { chunk where run status }
  progress { total pending running succeeded failed blocked coreHours bytes }`;
const REQUEST = `mutation($input: CampaignRequestInput!) { requestCampaign(input: $input) { basis campaign { ${CAMPAIGN} } } }`;
const APPROVE = `mutation($name: String!) { approveCampaign(name: $name) { ${CAMPAIGN} } }`;
const REJECT = `mutation($name: String!, $reason: String!) { rejectCampaign(name: $name, reason: $reason) { status state } }`;
const SHOW = `query($name: String!) { campaign(name: $name) { ${CAMPAIGN} } }`;

interface Campaign {
  name: string;
  status: string;
  state: string;
  estimate: { quanta: number; coreHours: number; bytes: number };
  runs: { chunk: number; where: string; run: string; status: string }[];
  progress: { total: number; succeeded: number; failed: number; coreHours: number; bytes: number };
}

const request = (name: string, chunks: string[], token: string) =>
  v.gql<{ requestCampaign: { basis: string; campaign: Campaign } }>(REQUEST, { input: { name, pipelineFile: TOY_PIPELINE, inputs: ['TestCam/raw'], chunks } }, token);

async function users() {
  const root = await v.user('root', 'admin');
  const alice = await v.user('alice', 'developer');
  const olga = await v.user('olga', 'operator');
  await seedToyRaw(t.db, v.vera.datastore, root.actor, { nVisits: 2, nDetectors: 2 });
  return { root, alice, olga };
}

describe('campaigns', () => {
  it('a request with its estimate, approved by another user, runs its chunks and shows progress and cost; approving your own is refused', async () => {
    const { alice, olga } = await users();
    const events: unknown[] = [];
    const offs = [
      v.vera.events.on('campaign.requested', async (e: VeraEvents['campaign.requested']) => void events.push(['requested', e.campaign, e.requester])),
      v.vera.events.on('campaign.decided', async (e: VeraEvents['campaign.decided']) => void events.push(['decided', e.campaign, e.decision, e.by, e.runs])),
    ];
    try {
      const req = await request('toy-w49', ['visit = 1', 'visit = 2'], alice.token);
      expect(req.errors).toBeUndefined();
      const asked = req.data!.requestCampaign;
      // Per visit: 2 scale quanta (one per detector) and 1 sumVisit; no earlier run, so 60 core-s each.
      expect(asked.campaign.estimate).toEqual({ quanta: 6, coreHours: (6 * 60) / 3600, bytes: 0 });
      expect(asked.basis).toContain('scale: 4 quanta x 60 core-s assumed');
      expect(asked.campaign).toMatchObject({ status: 'requested', state: 'AWAITING_APPROVAL', executor: 'local', runs: [] });

      // A developer may not decide; the operator who requested one may not approve it.
      const byDeveloper = await v.gql(APPROVE, { name: 'toy-w49' }, alice.token);
      expect(byDeveloper.errors?.[0]?.message).toMatch(/approving campaigns needs role operator/);
      const own = await request('olga-own', ['visit = 1'], olga.token);
      expect(own.errors).toBeUndefined();
      const self = await v.gql(APPROVE, { name: 'olga-own' }, olga.token);
      expect(self.errors?.[0]?.message).toMatch(/requested by 'olga': another operator must decide it/);
      expect(self.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      expect((await v.gql<{ campaign: Campaign }>(SHOW, { name: 'olga-own' })).data!.campaign.runs).toEqual([]);

      const approved = await v.gql<{ approveCampaign: Campaign }>(APPROVE, { name: 'toy-w49' }, olga.token);
      expect(approved.errors).toBeUndefined();
      const runs = approved.data!.approveCampaign.runs;
      expect(runs.map((r) => [r.chunk, r.where, r.run])).toEqual([
        [0, 'visit = 1', 'u/alice/campaigns/toy-w49/0'],
        [1, 'visit = 2', 'u/alice/campaigns/toy-w49/1'],
      ]);
      expect(await v.gql(APPROVE, { name: 'toy-w49' }, (await v.user('oscar', 'operator')).token)).toMatchObject({ errors: [{ message: "campaign 'toy-w49' is approved already" }] });
      // wait() answers undefined for a run that already ended: its status is then in the database.
      for (const r of runs) expect((await v.vera.runs.wait(r.run)) ?? (await getRun(t.db, r.run)).status).toBe('succeeded');

      const done = (await v.gql<{ campaign: Campaign }>(SHOW, { name: 'toy-w49' })).data!.campaign;
      expect(done.state).toBe('SUCCEEDED');
      expect(done.runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
      expect(done.progress).toMatchObject({ total: 6, succeeded: 6, failed: 0 });
      expect(done.progress.coreHours).toBeGreaterThan(0);
      // Two visitTotal files are stored (scaled is an intermediate).
      const [stored] = await queryRows<{ bytes: string }>(t.db, sql`SELECT sum(d.size_bytes) AS bytes FROM datasets d JOIN collections c ON c.id = d.run_id WHERE c.name LIKE 'u/alice/campaigns/toy-w49/%' AND d.stored`);
      expect(done.progress.bytes).toBe(Number(stored!.bytes));
      expect(done.progress.bytes).toBeGreaterThan(0);
      // The runs are the requester's, with the operator purpose the approval allowed.
      const owned = await queryRows<{ owner: string; purpose: string }>(t.db, sql`SELECT u.name AS owner, r.purpose FROM runs r JOIN users u ON u.id = r.owner_id JOIN collections c ON c.id = r.collection_id WHERE c.name LIKE 'u/alice/campaigns/%'`);
      expect(owned).toEqual([{ owner: 'alice', purpose: 'operator' }, { owner: 'alice', purpose: 'operator' }]);

      // The next request of the pipeline is estimated from these runs' quanta.
      const again = await request('toy-w50', ['visit = 1'], alice.token);
      expect(again.data!.requestCampaign.basis).toMatch(/sumVisit: 1 quanta x [\d.]+ core-s, \d+ B \(mean of 2 earlier quanta\)/);
      expect(again.data!.requestCampaign.campaign.estimate.bytes).toBeGreaterThan(0);

      const audit = await v.gql<{ auditLog: { actor: string; action: string; subject: string }[] }>(`{ auditLog { actor action subject } }`, {}, olga.token);
      expect(audit.data!.auditLog.map((e) => `${e.actor} ${e.action} ${e.subject}`).reverse()).toEqual([
        'alice CAMPAIGN_REQUEST toy-w49',
        'olga CAMPAIGN_REQUEST olga-own',
        'olga CAMPAIGN_APPROVE toy-w49',
        'alice CAMPAIGN_REQUEST toy-w50',
      ]);
      expect(events).toEqual([
        ['requested', 'toy-w49', 'alice'],
        ['requested', 'olga-own', 'olga'],
        ['decided', 'toy-w49', 'approved', 'olga', runs.map((r) => r.run)],
        ['requested', 'toy-w50', 'alice'],
      ]);
    } finally {
      for (const off of offs) off();
    }
  });

  it('refuses a request over the core-hours quota, naming the quota and what campaigns in flight hold of it', async () => {
    const { root, alice, olga } = await users();
    const denied = await v.gql(`mutation { setQuota(user: "alice", coreHours: 1, bytes: 1) { user } }`, {}, alice.token);
    expect(denied.errors?.[0]?.message).toMatch(/setting quotas needs role admin/);
    // 0.06 core-hours: one visit's chunk (3 quanta x 60 s = 0.05) fits, the whole input (0.1) does not.
    const set = await v.gql<{ setQuota: { coreHours: number; custom: boolean } }>(`mutation { setQuota(user: "alice", coreHours: 0.06, bytes: 1000000) { coreHours custom } }`, {}, root.token);
    expect(set.data!.setQuota).toEqual({ coreHours: 0.06, custom: true });

    const whole = await request('toy-all', ['visit IN (1, 2)'], alice.token);
    expect(whole.errors?.[0]?.extensions.code).toBe('QUOTA_EXCEEDED');
    expect(whole.errors?.[0]?.message).toBe("campaign 'toy-all' is estimated at 0.10 core-hours; user 'alice' has a core-hours quota of 0.06 and 0.00 of it are held by campaigns in flight");
    expect(await v.gql(SHOW, { name: 'toy-all' })).toMatchObject({ errors: [{ message: "no campaign named 'toy-all'" }] });

    expect((await request('toy-v1', ['visit = 1'], alice.token)).errors).toBeUndefined();
    const second = await request('toy-v2', ['visit = 2'], alice.token);
    expect(second.errors?.[0]?.message).toMatch(/core-hours quota of 0.06 and 0.05 of it are held by campaigns in flight/);
    const quota = await v.gql<{ quota: { inFlight: { coreHours: number } } }>(`{ quota { inFlight { coreHours } } }`, {}, alice.token);
    expect(quota.data!.quota.inFlight.coreHours).toBeCloseTo(0.05, 10);

    // A rejected campaign holds nothing any more.
    expect((await v.gql(REJECT, { name: 'toy-v1', reason: 'not this week' }, olga.token)).data).toEqual({ rejectCampaign: { status: 'rejected', state: 'REJECTED' } });
    expect((await request('toy-v2', ['visit = 2'], alice.token)).errors).toBeUndefined();
  });
});
