import { limitDoc } from '../limits.ts';

/** What CI did: webhook deliveries and their outcome, a build's GitHub reports (server/ci/activity.ts). */
export const ciActivityTypeDefs = /* GraphQL */ `
  enum DeliveryStatus {
    received
    processing
    processed
    ignored
    failed
  }

  enum GithubReportKind {
    status
    comment
  }

  enum GithubReportStatus {
    pending
    done
    failed
    superseded
  }

  "A GitHub webhook delivery as Vera stored it, and what came of it."
  type WebhookDelivery {
    "GitHub's X-GitHub-Delivery id."
    id: String!
    event: String!
    action: String
    "The repository the payload is about (owner/name)."
    repository: String
    status: DeliveryStatus!
    attempts: Int!
    "Why it was ignored, or the last error processing it."
    error: String
    receivedAt: DateTime!
    processedAt: DateTime
    "The builds it made."
    builds: [Build!]!
  }

  "A call to GitHub reporting a build (a commit status or the PR comment), as the outbox holds it."
  type GithubReport {
    id: Int!
    kind: GithubReportKind!
    "The commit status's context (vera/<run>), or PR #<n>."
    target: String!
    "A commit status's state: pending, success, failure or error."
    state: String
    description: String
    "Whether the call was made: pending (or retrying), done, failed for good, superseded by a newer one."
    status: GithubReportStatus!
    attempts: Int!
    lastError: String
    createdAt: DateTime!
  }

  extend type Build {
    "Its reports to GitHub, oldest first (none for a repository not on GitHub)."
    reports: [GithubReport!]!
    "The webhook delivery that asked for it; null when the API, a schedule or the demo did."
    delivery: WebhookDelivery
  }

  extend type Query {
    "Webhook deliveries, newest first."
    webhookDeliveries(status: DeliveryStatus, ${limitDoc('Query.webhookDeliveries')} limit: Int): [WebhookDelivery!]!
  }
`;
