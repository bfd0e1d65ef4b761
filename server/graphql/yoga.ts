import type { GraphQLSchema } from 'graphql';
import { createSchema, createYoga, type CORSOptions, type YogaServerInstance } from 'graphql-yoga';
import { ANONYMOUS, authenticate, type Actor } from '../auth/index.ts';
import type { Vera } from '../app.ts';
import type { VeraConfig } from '../config.ts';
import { VeraError } from '../errors.ts';
import type { GraphQLContext } from './context.ts';
import { maskError } from './errors.ts';
import { createLoaders } from './loaders.ts';
import { queryProtection } from './protection.ts';
import { analysisMutations, analysisQueries } from './resolvers/analysis.ts';
import { skymapMutations, skymapQueries, skymapTypes } from './resolvers/skymaps.ts';
import { authMutations, authQueries } from './resolvers/auth.ts';
import { exploreMutations, exploreQueries, exploreTypes } from './resolvers/explore.ts';
import { ciMutations, ciQueries, ciTypes } from './resolvers/ci.ts';
import { ciActivityQueries, ciActivityTypes } from './resolvers/ci-activity.ts';
import { metricMutations, metricQueries, metricTypes } from './resolvers/metrics.ts';
import { repoMutations, repoQueries, repoTypes } from './resolvers/repo.ts';
import { runMutations, runQueries, runTypes } from './resolvers/runs.ts';
import { findingFields, regressionFields, seriesMutations, seriesQueries } from './resolvers/series.ts';
import { ingestMutations } from './resolvers/ingest.ts';
import { lifecycleMutations, lifecycleQueries } from './resolvers/lifecycle.ts';
import { campaignMutations, campaignQueries } from './resolvers/campaigns.ts';
import { simcamMutations } from './resolvers/simcam.ts';
import { replayMutations, replayQueries, replayTypes } from './resolvers/replay.ts';
import { replayCompareQueries } from './resolvers/replay-compare.ts';
import { DateTimeScalar, JSONScalar } from './scalars.ts';
import { typeDefs } from './schema/index.ts';

export type VeraYoga = YogaServerInstance<object, GraphQLContext>;

/** The actor of a request, from `Authorization: Bearer <token>`. */
export async function actorOf(vera: Vera, authorization: string | null): Promise<Actor> {
  if (!authorization) {
    if (vera.config.anonymousRead) return ANONYMOUS;
    throw new VeraError('UNAUTHENTICATED', 'this Vera needs an API token: send Authorization: Bearer <token>');
  }
  const m = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!m) throw new VeraError('UNAUTHENTICATED', 'malformed Authorization header; expected "Bearer <token>"');
  return authenticate(vera.database.db, m[1]!);
}

/** The executable schema: type definitions and resolvers, without a server around them. */
export function veraSchema(): GraphQLSchema {
  return createSchema<GraphQLContext>({
    typeDefs: [...typeDefs],
    // Resolver maps merge field by field: the explore map adds fields to types others define (Run).
    resolvers: [
      {
        JSON: JSONScalar,
        DateTime: DateTimeScalar,
        Query: { ...repoQueries, ...authQueries, ...runQueries, ...metricQueries, ...seriesQueries, ...ciQueries, ...replayQueries, ...analysisQueries },
        Mutation: { ...repoMutations, ...authMutations, ...runMutations, ...simcamMutations, ...ingestMutations, ...metricMutations, ...seriesMutations, ...ciMutations, ...replayMutations, ...analysisMutations },
        ...repoTypes,
        ...runTypes,
        ...metricTypes,
        ...ciTypes,
        ...replayTypes,
        Regression: regressionFields,
        Finding: findingFields,
        Evidence: findingFields,
      },
      { Query: exploreQueries, Mutation: exploreMutations, ...exploreTypes },
      { Query: lifecycleQueries, Mutation: lifecycleMutations },
      { Query: ciActivityQueries, ...ciActivityTypes },
      { Query: campaignQueries, Mutation: campaignMutations },
      { Query: skymapQueries, Mutation: skymapMutations, ...skymapTypes },
      { Query: replayCompareQueries },
    ],
  });
}

/**
 * CORS for the configured origins only (yoga's default answers any origin, with credentials):
 * none configured, none allowed. A browser on another origin can then not read answers.
 */
function corsFor(config: VeraConfig): false | ((request: Request) => CORSOptions) {
  if (config.corsOrigins.length === 0) return false;
  const allowed = new Set(config.corsOrigins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (!origin || !allowed.has(origin)) return false;
    return { origin: [origin], credentials: true, methods: ['GET', 'POST'], allowedHeaders: ['authorization', 'content-type', 'accept'], maxAge: 600 };
  };
}

export function createGraphQL(vera: Vera): VeraYoga {
  const { config } = vera;
  const cors = corsFor(config);
  return createYoga<object, GraphQLContext>({
    schema: veraSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: false,
    // GraphiQL's page holds no data, but without introspection it is of no use either.
    graphiql: config.introspection !== 'off',
    cors,
    plugins: [
      ...queryProtection(config.introspection),
      // Answers differ by Origin when CORS is on: shared caches must keep them apart.
      ...(cors ? [{ onResponse: ({ response }: { response: Response }) => response.headers.append('vary', 'Origin') }] : []),
    ],
    maskedErrors: { maskError: maskError(vera.log) },
    context: async ({ request }) => ({ vera, actor: await actorOf(vera, request.headers.get('authorization')), loaders: createLoaders(vera.database.db) }),
  });
}
