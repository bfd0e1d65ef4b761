import { limitDoc } from '../limits.ts';

/** Data lifecycle (server/runs/lifecycle): pruning expired runs and build worktrees, grants, the audit log. */
export const lifecycleTypeDefs = /* GraphQL */ `
  "Why prune kept an expired run (or a run named to it)."
  enum PruneKeepReason {
    "It expires later."
    NOT_EXPIRED
    "It is pending or running."
    ACTIVE
    "A run that stays reads its outputs; kept until that run is pruned."
    READ_BY_RUN
    "Its datasets are in a TAGGED or CALIBRATION collection, or it is in a CHAINED collection, of another user."
    IN_COLLECTION
  }

  type PrunedRun {
    run: String!
    owner: String!
    expiresAt: DateTime!
    "Registry rows deleted, intermediates whose files were already gone included."
    datasets: Int!
    files: Int!
    bytes: Float!
  }

  type KeptRun {
    run: String!
    owner: String!
    expiresAt: DateTime!
    reason: PruneKeepReason!
    "The reason in words: which run reads it, which collection holds it."
    detail: String!
  }

  "A build's checkout under VERA_HOME/worktrees that prune removed (or would remove)."
  type PrunedWorktree {
    repo: String!
    commit: String!
    bytes: Float!
  }

  type PruneReport {
    "True when nothing was deleted (prune without yes)."
    dryRun: Boolean!
    runs: [PrunedRun!]!
    kept: [KeptRun!]!
    worktrees: [PrunedWorktree!]!
    "Bytes the deleted files took (or would free, in a dry run)."
    bytesFreed: Float!
    "Deletions an interrupted earlier prune left, finished first."
    resumed: Int!
  }

  "A user allowed to prune another user's runs."
  type Grant {
    owner: String!
    grantee: String!
    createdAt: DateTime!
  }

  enum AuditAction {
    PRUNE_RUN
    PRUNE_WORKTREE
    GRANT
    REVOKE
    CAMPAIGN_REQUEST
    CAMPAIGN_APPROVE
    CAMPAIGN_REJECT
    QUOTA
  }

  type AuditEntry {
    at: DateTime!
    actor: String!
    action: AuditAction!
    subject: String!
    bytes: Float!
    details: JSON!
  }

  extend type Query {
    "Grants you gave or were given (all of them, for an admin)."
    grants: [Grant!]!
    "Deletions, grants, campaign requests and decisions and quota changes, newest first (admins and operators)."
    auditLog(${limitDoc('Query.auditLog')} limit: Int): [AuditEntry!]!
  }

  extend type Mutation {
    """
    Deletes the datasets and files of expired runs you may delete (yours, those of users who granted
    you, anyone's for an admin) and, for operators and admins, build worktrees no pending run uses
    that are older than VERA_WORKTREE_KEEP_DAYS. Without yes: a dry run that deletes nothing.
    'runs' limits it to those runs (an error names one you may not delete).
    """
    prune(yes: Boolean = false, runs: [String!]): PruneReport!
    "Lets a user prune your runs (an admin may name the owner)."
    grant(user: String!, owner: String): Grant!
    "Takes a grant back; false when there was none."
    revokeGrant(user: String!, owner: String): Boolean!
  }
`;
