import { eq } from 'drizzle-orm';
import { splitPipelineRef } from '../../../runner/pipeline/pipe-base.ts';
import { pipelineRoots } from '../../../runner/pipeline/roots.ts';
import { isRole, requireRole, type Actor } from '../../auth/roles.ts';
import { auditLog, campaignRuns, campaigns, users } from '../../db/schema/index.ts';
import { VeraError } from '../../errors.ts';
import { createRun } from '../create.ts';
import type { CampaignDeps } from './deps.ts';

/** The RUN collection of a campaign's chunk: in its requester's namespace, since they own the runs. */
export function chunkRunName(requester: string, campaign: string, chunk: number): string {
  return `u/${requester}/campaigns/${campaign}/${chunk}`;
}

/**
 * An operator approves a requested campaign: its runs (one per chunk, owned by the requester,
 * purpose `operator`, expiring when the request asked) are created in the transaction that
 * records the approval, so an approval either has all its runs or did not happen; then they
 * start on the configured executor. Nobody approves their own request except an admin.
 */
export async function approveCampaign(deps: CampaignDeps, name: string, actor: Actor, note?: string): Promise<string[]> {
  const outputs = await decide(deps, name, actor, 'approved', note);
  for (const o of outputs) await deps.runs.start(o);
  await deps.events.emit('campaign.decided', { campaign: name, decision: 'approved', by: actor.name, runs: outputs });
  return outputs;
}

/** An operator rejects a requested campaign, with the reason the requester reads. */
export async function rejectCampaign(deps: CampaignDeps, name: string, actor: Actor, reason: string): Promise<void> {
  if (!reason.trim()) throw new VeraError('BAD_INPUT', `rejecting campaign '${name}' needs a reason for its requester`, { campaign: name });
  await decide(deps, name, actor, 'rejected', reason);
  await deps.events.emit('campaign.decided', { campaign: name, decision: 'rejected', by: actor.name, runs: [] });
}

async function decide(deps: CampaignDeps, name: string, actor: Actor, decision: 'approved' | 'rejected', note: string | undefined): Promise<string[]> {
  const verb = decision === 'approved' ? 'approving' : 'rejecting';
  requireRole(actor, 'operator', `${verb} campaigns`);
  const db = deps.database.db;
  return db.transaction(async (tx) => {
    const [c] = await tx
      .select({ campaign: campaigns, requester: { id: users.id, name: users.name, role: users.role } })
      .from(campaigns)
      .innerJoin(users, eq(users.id, campaigns.requesterId))
      .where(eq(campaigns.name, name))
      .for('update', { of: campaigns });
    if (!c) throw new VeraError('UNKNOWN_CAMPAIGN', `no campaign named '${name}'`, { campaign: name });
    if (c.requester.id === actor.id && actor.role !== 'admin') {
      throw new VeraError('FORBIDDEN', `campaign '${name}' was requested by '${actor.name}': another operator must decide it (only admins decide their own)`, {
        campaign: name,
        requester: c.requester.name,
      });
    }
    if (c.campaign.status !== 'requested') {
      throw new VeraError('CAMPAIGN_DECIDED', `campaign '${name}' is ${c.campaign.status} already`, { campaign: name, status: c.campaign.status });
    }
    await tx.update(campaigns).set({ status: decision, decidedBy: actor.id, decidedAt: new Date(), decisionNote: note ?? null }).where(eq(campaigns.id, c.campaign.id));
    const outputs: string[] = [];
    if (decision === 'approved') {
      if (!isRole(c.requester.role)) throw new VeraError('INTERNAL', `user '${c.requester.name}' has unknown role '${c.requester.role}'`);
      const requester: Actor = { id: c.requester.id, name: c.requester.name, role: c.requester.role };
      const ref = splitPipelineRef(c.campaign.pipelineFile);
      for (const [i, where] of c.campaign.chunks.entries()) {
        const output = chunkRunName(requester.name, name, i);
        const { run } = await createRun(
          tx,
          {
            pipelineFile: ref.file,
            selection: ref.selection,
            pipelineYaml: c.campaign.pipelineYaml,
            pipelineRoots: pipelineRoots(deps.config.pipelineRoots),
            inputs: c.campaign.inputs,
            output,
            where: where || undefined,
            configOverrides: c.campaign.configOverrides,
            purpose: 'operator',
            approvedBy: actor,
            executor: c.campaign.executor,
            expiresAt: c.campaign.runsExpireAt,
          },
          requester,
        );
        await tx.insert(campaignRuns).values({ campaignId: c.campaign.id, runId: run.id, chunk: i });
        outputs.push(output);
      }
    }
    await tx.insert(auditLog).values({
      actorId: actor.id,
      action: decision === 'approved' ? 'campaign-approve' : 'campaign-reject',
      subject: name,
      details: { requester: c.requester.name, ...(note ? { note } : {}), runs: outputs },
    });
    return outputs;
  });
}
