import * as campaigns from '../../runs/campaigns/index.ts';
import type { CampaignInfo, CampaignState } from '../../runs/campaigns/index.ts';
import type { GraphQLContext } from '../context.ts';
import type {
  MutationApproveCampaignArgs,
  MutationRejectCampaignArgs,
  MutationRequestCampaignArgs,
  MutationSetQuotaArgs,
  QueryCampaignArgs,
  QueryCampaignsArgs,
  QueryQuotaArgs,
} from '../generated/resolvers.ts';
import { listLimit } from '../limits.ts';
import { overridesOf } from './runs.ts';

type Ctx = GraphQLContext;

const STATE: Record<CampaignState, string> = {
  'awaiting-approval': 'AWAITING_APPROVAL',
  rejected: 'REJECTED',
  running: 'RUNNING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
};

const toGql = (c: CampaignInfo) => ({ ...c, state: STATE[c.state] });

export const campaignQueries = {
  campaigns: async (_: unknown, a: QueryCampaignsArgs, { vera }: Ctx) =>
    (await campaigns.listCampaigns(vera.database.db, { requester: a.requester ?? undefined, status: a.status ?? undefined, limit: listLimit('Query.campaigns', a.limit) })).map(toGql),
  campaign: async (_: unknown, a: QueryCampaignArgs, { vera }: Ctx) => toGql(await campaigns.getCampaign(vera.database.db, a.name)),
  quota: (_: unknown, a: QueryQuotaArgs, { vera, actor }: Ctx) => campaigns.getQuota(vera.database.db, actor, a.user ?? undefined, vera.config.defaultQuota),
};

export const campaignMutations = {
  requestCampaign: async (_: unknown, { input: i }: MutationRequestCampaignArgs, { vera, actor }: Ctx) => {
    const r = await campaigns.requestCampaign(
      vera,
      {
        name: i.name,
        pipelineFile: i.pipelineFile,
        pipelineYaml: i.pipelineYaml ?? undefined,
        inputs: i.inputs,
        chunks: i.chunks ?? undefined,
        configOverrides: overridesOf(i.configOverrides),
        expiresAt: i.expiresAt ?? undefined,
      },
      actor,
    );
    return { campaign: toGql(await campaigns.getCampaign(vera.database.db, r.name)), basis: r.estimate.basis };
  },
  approveCampaign: async (_: unknown, a: MutationApproveCampaignArgs, { vera, actor }: Ctx) => {
    await campaigns.approveCampaign(vera, a.name, actor, a.note ?? undefined);
    return toGql(await campaigns.getCampaign(vera.database.db, a.name));
  },
  rejectCampaign: async (_: unknown, a: MutationRejectCampaignArgs, { vera, actor }: Ctx) => {
    await campaigns.rejectCampaign(vera, a.name, actor, a.reason);
    return toGql(await campaigns.getCampaign(vera.database.db, a.name));
  },
  setQuota: (_: unknown, a: MutationSetQuotaArgs, { vera, actor }: Ctx) =>
    campaigns.setQuota(vera.database.db, actor, a.user, { coreHours: a.coreHours, bytes: a.bytes }, vera.config.defaultQuota),
};
