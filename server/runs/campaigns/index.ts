export { requestCampaign, MAX_CHUNKS, type CampaignRequest } from './request.ts';
export { approveCampaign, rejectCampaign, chunkRunName } from './decide.ts';
export { getCampaign, listCampaigns, type CampaignInfo, type CampaignRunInfo, type CampaignState, type CampaignStatus } from './queries.ts';
export { getQuota, setQuota, type QuotaInfo } from './quotas.ts';
export { UNMEASURED_CORE_SECONDS, type Estimate } from './estimate.ts';
export type { CampaignDeps } from './deps.ts';
