import * as lifecycle from '../../runs/lifecycle/index.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationGrantArgs, MutationPruneArgs, MutationRevokeGrantArgs, QueryAuditLogArgs } from '../generated/resolvers.ts';
import { listLimit } from '../limits.ts';

type Ctx = GraphQLContext;

const ACTION = {
  'prune-run': 'PRUNE_RUN',
  'prune-worktree': 'PRUNE_WORKTREE',
  grant: 'GRANT',
  revoke: 'REVOKE',
  'campaign-request': 'CAMPAIGN_REQUEST',
  'campaign-approve': 'CAMPAIGN_APPROVE',
  'campaign-reject': 'CAMPAIGN_REJECT',
  quota: 'QUOTA',
} as const;

export const lifecycleQueries = {
  grants: (_: unknown, _a: unknown, { vera, actor }: Ctx) => lifecycle.listGrants(vera.database.db, actor),
  auditLog: async (_: unknown, a: QueryAuditLogArgs, { vera, actor }: Ctx) =>
    (await lifecycle.listAudit(vera.database.db, actor, listLimit('Query.auditLog', a.limit))).map((e) => ({ ...e, action: ACTION[e.action as keyof typeof ACTION] })),
};

export const lifecycleMutations = {
  prune: async (_: unknown, a: MutationPruneArgs, { vera, actor }: Ctx) => {
    const r = await lifecycle.prune({ db: vera.database.db, datastore: vera.datastore, config: vera.config }, actor, { act: a.yes ?? false, runs: a.runs ?? undefined });
    return { dryRun: r.dryRun, runs: r.runs, kept: r.kept, worktrees: r.worktrees, bytesFreed: r.bytes, resumed: r.resumed };
  },
  grant: (_: unknown, a: MutationGrantArgs, { vera, actor }: Ctx) => lifecycle.grantPrune(vera.database.db, a.user, actor, a.owner ?? undefined),
  revokeGrant: (_: unknown, a: MutationRevokeGrantArgs, { vera, actor }: Ctx) => lifecycle.revokePrune(vera.database.db, a.user, actor, a.owner ?? undefined),
};
