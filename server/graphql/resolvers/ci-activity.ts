import { listDeliveries, reportsOfBuild, type DeliveryRow, type DeliveryStatus } from '../../ci/activity.ts';
import type { GraphQLContext } from '../context.ts';
import type { QueryWebhookDeliveriesArgs } from '../generated/resolvers.ts';
import { listLimit } from '../limits.ts';
import { shapeBuild } from './ci.ts';

type Ctx = GraphQLContext;

export const ciActivityQueries = {
  webhookDeliveries: (_: unknown, a: QueryWebhookDeliveriesArgs, { vera }: Ctx) =>
    listDeliveries(vera.database.db, { ...(a.status ? { status: a.status as DeliveryStatus } : {}), limit: listLimit('Query.webhookDeliveries', a.limit) }),
};

export const ciActivityTypes = {
  WebhookDelivery: {
    builds: async (d: DeliveryRow, _a: unknown, { loaders }: Ctx) => (await loaders.buildsOfDelivery.load(d.id)).map((b) => shapeBuild(b.build, b.repo)),
  },
  Build: {
    reports: (b: { id: number; repoId: number; commit: string; prNumber: number | null }, _a: unknown, { vera }: Ctx) => reportsOfBuild(vera.database.db, b),
    delivery: (b: { deliveryId: string | null }, _a: unknown, { loaders }: Ctx) => (b.deliveryId ? loaders.deliveryById.load(b.deliveryId) : null),
  },
};
