import { compareReplays } from '../../replay/compare.ts';
import type { GraphQLContext } from '../context.ts';
import type { QueryReplayComparisonArgs } from '../generated/resolvers.ts';

export const replayCompareQueries = {
  replayComparison: (_: unknown, a: QueryReplayComparisonArgs, { vera }: GraphQLContext) => compareReplays(vera.database.db, a.a, a.b, { matchRadiusArcsec: a.matchRadiusArcsec ?? undefined }),
};
