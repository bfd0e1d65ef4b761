import { limitDoc } from '../limits.ts';

/** Operator campaigns (server/runs/campaigns): requests with estimates, approvals, quotas, progress. */
export const campaignsTypeDefs = /* GraphQL */ `
  "The decision on a campaign request."
  enum CampaignStatus {
    requested
    approved
    rejected
  }

  "Where a campaign stands: its decision, then what its runs say."
  enum CampaignState {
    AWAITING_APPROVAL
    REJECTED
    "Approved; a run is pending or running."
    RUNNING
    "Approved; every run succeeded."
    SUCCEEDED
    "Approved; every run ended and one did not succeed."
    FAILED
  }

  "What a campaign was estimated to take when requested: quanta counted from its graphs, cost per quantum from earlier runs of its pipeline."
  type CampaignEstimate {
    quanta: Int!
    coreHours: Float!
    bytes: Float!
  }

  "The quanta of a campaign's runs by status, and what they used so far."
  type CampaignProgress {
    total: Int!
    pending: Int!
    running: Int!
    succeeded: Int!
    failed: Int!
    blocked: Int!
    "Wall time of its quanta so far, one core each."
    coreHours: Float!
    "Bytes of its runs' stored datasets."
    bytes: Float!
  }

  "A run of a campaign: one per chunk (data query)."
  type CampaignRun {
    chunk: Int!
    where: String!
    run: String!
    status: RunStatus!
    error: String
  }

  type Campaign {
    name: String!
    requester: String!
    status: CampaignStatus!
    state: CampaignState!
    pipelineFile: String!
    inputs: [String!]!
    "One data query per run; an empty one is all the inputs."
    chunks: [String!]!
    executor: String!
    estimate: CampaignEstimate!
    runsExpireAt: DateTime!
    createdAt: DateTime!
    decidedBy: String
    decidedAt: DateTime
    "The approver's note, or why it was rejected."
    decisionNote: String
    runs: [CampaignRun!]!
    progress: CampaignProgress!
  }

  type CampaignLimits {
    coreHours: Float!
    bytes: Float!
  }

  "A user's limits on campaigns in flight, and what their campaigns hold of them."
  type Quota {
    user: String!
    coreHours: Float!
    bytes: Float!
    "Whether an admin set it (else VERA_QUOTA_CORE_HOURS and VERA_QUOTA_BYTES apply)."
    custom: Boolean!
    inFlight: CampaignLimits!
  }

  input CampaignRequestInput {
    "Letters a-z, digits, '.', '_', '-'; its runs are u/<you>/campaigns/<name>/<chunk>."
    name: String!
    "A pipeline in a pipeline root, optionally #subset or #label,label."
    pipelineFile: String!
    "The pipeline's text; its file then only says where it lives (what its task classes are relative to)."
    pipelineYaml: String
    inputs: [String!]!
    "One data query (where) per run; none: one run over all the inputs."
    chunks: [String!]
    configOverrides: JSON
    "When its runs may be pruned; default: the operator purpose's lifetime."
    expiresAt: DateTime
  }

  type CampaignRequestResult {
    campaign: Campaign!
    "Per task: quanta and where its cost per quantum came from."
    basis: String!
  }

  extend type Query {
    "Campaigns, newest first."
    campaigns(requester: String, status: CampaignStatus, ${limitDoc('Query.campaigns')} limit: Int): [Campaign!]!
    campaign(name: String!): Campaign!
    "A user's campaign quota (yours when no user; another's for operators)."
    quota(user: String): Quota!
  }

  extend type Mutation {
    "Asks for a campaign (developers): refused when its estimate does not fit your quota."
    requestCampaign(input: CampaignRequestInput!): CampaignRequestResult!
    "Approves a campaign someone else requested (operators) and submits its runs."
    approveCampaign(name: String!, note: String): Campaign!
    "Rejects a campaign someone else requested (operators), with the reason."
    rejectCampaign(name: String!, reason: String!): Campaign!
    "Sets a user's campaign quota (admins)."
    setQuota(user: String!, coreHours: Float!, bytes: Float!): Quota!
  }
`;
