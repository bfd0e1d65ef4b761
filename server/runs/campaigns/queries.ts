import { alias } from 'drizzle-orm/pg-core';
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { queryRows } from '../../db/client.ts';
import { campaignRuns, campaigns, collections, runs, users } from '../../db/schema/index.ts';
import { VeraError } from '../../errors.ts';
import { runProgresses } from '../queries.ts';
import type { RunProgress, RunStatus } from '../types.ts';

export type CampaignStatus = 'requested' | 'approved' | 'rejected';
/** Where a campaign stands: its decision, then (approved) what its runs say. */
export type CampaignState = 'awaiting-approval' | 'rejected' | 'running' | 'succeeded' | 'failed';

export interface CampaignRunInfo {
  chunk: number;
  where: string;
  run: string;
  status: RunStatus;
  error: string | null;
}

export interface CampaignInfo {
  name: string;
  requester: string;
  status: CampaignStatus;
  state: CampaignState;
  pipelineFile: string;
  inputs: string[];
  chunks: string[];
  executor: string;
  estimate: { quanta: number; coreHours: number; bytes: number };
  runsExpireAt: Date;
  createdAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  runs: CampaignRunInfo[];
  /** Quanta of its runs by status, with core-hours used (quanta's wall time on one core each) and bytes stored so far. */
  progress: RunProgress & { coreHours: number; bytes: number };
}

const decider = alias(users, 'decider');

function selectCampaigns(db: Db, where: SQL | undefined) {
  return db
    .select({
      id: campaigns.id,
      name: campaigns.name,
      requester: users.name,
      status: campaigns.status,
      pipelineFile: campaigns.pipelineFile,
      inputs: campaigns.inputs,
      chunks: campaigns.chunks,
      executor: campaigns.executor,
      quanta: campaigns.estimatedQuanta,
      coreHours: campaigns.estimatedCoreHours,
      bytes: campaigns.estimatedBytes,
      runsExpireAt: campaigns.runsExpireAt,
      createdAt: campaigns.createdAt,
      decidedBy: decider.name,
      decidedAt: campaigns.decidedAt,
      decisionNote: campaigns.decisionNote,
    })
    .from(campaigns)
    .innerJoin(users, eq(users.id, campaigns.requesterId))
    .leftJoin(decider, eq(decider.id, campaigns.decidedBy))
    .where(where)
    .orderBy(desc(campaigns.id));
}

/** Campaigns, newest first, optionally of one requester or in one decision status. */
export async function listCampaigns(db: Db, opts: { requester?: string; status?: CampaignStatus; limit?: number } = {}): Promise<CampaignInfo[]> {
  const rows = await selectCampaigns(db, and(opts.requester ? eq(users.name, opts.requester) : undefined, opts.status ? eq(campaigns.status, opts.status) : undefined)).limit(opts.limit ?? 100);
  return withProgress(db, rows);
}

export async function getCampaign(db: Db, name: string): Promise<CampaignInfo> {
  const rows = await selectCampaigns(db, eq(campaigns.name, name));
  if (rows.length === 0) throw new VeraError('UNKNOWN_CAMPAIGN', `no campaign named '${name}'`, { campaign: name });
  return (await withProgress(db, rows))[0]!;
}

type Row = Awaited<ReturnType<typeof selectCampaigns>>[number];

async function withProgress(db: Db, rows: Row[]): Promise<CampaignInfo[]> {
  if (rows.length === 0) return [];
  const members = await db
    .select({ campaignId: campaignRuns.campaignId, chunk: campaignRuns.chunk, collectionId: runs.collectionId, run: collections.name, status: runs.status, error: runs.error })
    .from(campaignRuns)
    .innerJoin(runs, eq(runs.id, campaignRuns.runId))
    .innerJoin(collections, eq(collections.id, runs.collectionId))
    .where(inArray(campaignRuns.campaignId, rows.map((r) => r.id)))
    .orderBy(campaignRuns.chunk);
  const progress = await runProgresses(db, members.map((m) => m.collectionId));
  const used = await usage(db, members.map((m) => m.collectionId));
  return rows.map((r) => {
    const own = members.filter((m) => m.campaignId === r.id);
    const p = { total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, blocked: 0, coreHours: 0, bytes: 0 };
    for (const m of own) {
      const q = progress.get(m.collectionId)!;
      for (const k of ['total', 'pending', 'running', 'succeeded', 'failed', 'blocked'] as const) p[k] += q[k];
      const u = used.get(m.collectionId);
      p.coreHours += u?.coreHours ?? 0;
      p.bytes += u?.bytes ?? 0;
    }
    const status = r.status as CampaignStatus;
    return {
      name: r.name,
      requester: r.requester,
      status,
      state: stateOf(status, own.map((m) => m.status as RunStatus)),
      pipelineFile: r.pipelineFile,
      inputs: r.inputs,
      chunks: r.chunks,
      executor: r.executor,
      estimate: { quanta: r.quanta, coreHours: r.coreHours, bytes: r.bytes },
      runsExpireAt: r.runsExpireAt,
      createdAt: r.createdAt,
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt,
      decisionNote: r.decisionNote,
      runs: own.map((m) => ({ chunk: m.chunk, where: r.chunks[m.chunk] ?? '', run: m.run, status: m.status as RunStatus, error: m.error })),
      progress: p,
    };
  });
}

function stateOf(status: CampaignStatus, runStatuses: RunStatus[]): CampaignState {
  if (status === 'requested') return 'awaiting-approval';
  if (status === 'rejected') return 'rejected';
  if (runStatuses.some((s) => s === 'pending' || s === 'running')) return 'running';
  return runStatuses.every((s) => s === 'succeeded') ? 'succeeded' : 'failed';
}

/** Per run (RUN collection id): core-hours its quanta took so far and bytes of its stored datasets. */
async function usage(db: Db, collectionIds: number[]): Promise<Map<number, { coreHours: number; bytes: number }>> {
  const out = new Map<number, { coreHours: number; bytes: number }>();
  if (collectionIds.length === 0) return out;
  const ids = sql.join(collectionIds.map((id) => sql`${id}`), sql`, `);
  const time = await queryRows<{ run_id: number; secs: number | string | null }>(
    db,
    sql`SELECT run_id, sum(extract(epoch FROM ended_at - started_at)) AS secs FROM quanta
        WHERE run_id IN (${ids}) AND started_at IS NOT NULL AND ended_at IS NOT NULL GROUP BY run_id`,
  );
  const size = await queryRows<{ run_id: number; bytes: number | string | null }>(
    db,
    sql`SELECT run_id, sum(size_bytes) AS bytes FROM datasets WHERE run_id IN (${ids}) AND stored GROUP BY run_id`,
  );
  for (const id of collectionIds) out.set(id, { coreHours: 0, bytes: 0 });
  for (const r of time) out.get(Number(r.run_id))!.coreHours = Number(r.secs ?? 0) / 3600;
  for (const r of size) out.get(Number(r.run_id))!.bytes = Number(r.bytes ?? 0);
  return out;
}
