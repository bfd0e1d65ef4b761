import { analysisTypeDefs } from './analysis.ts';
import { authTypeDefs } from './auth.ts';
import { campaignsTypeDefs } from './campaigns.ts';
import { ciActivityTypeDefs } from './ci-activity.ts';
import { ciTypeDefs } from './ci.ts';
import { commonTypeDefs } from './common.ts';
import { exploreTypeDefs } from './explore.ts';
import { ingestTypeDefs } from './ingest.ts';
import { lifecycleTypeDefs } from './lifecycle.ts';
import { metricsTypeDefs } from './metrics.ts';
import { replayTypeDefs } from './replay.ts';
import { replayCompareTypeDefs } from './replay-compare.ts';
import { repoTypeDefs } from './repo.ts';
import { runControlTypeDefs } from './run-control.ts';
import { runsTypeDefs } from './runs.ts';
import { simcamTypeDefs } from './simcam.ts';
import { skymapsTypeDefs } from './skymaps.ts';

/**
 * The GraphQL schema, one module per domain. Resolvers (resolvers/*.ts) only parse, authorize and
 * call server/<area>. Names follow docs/architecture.md: dataset type, collection, run, dimension,
 * data ID. A new domain adds its module here; its fields go in `extend type Query`/`Mutation`.
 */
export const typeDefs: readonly string[] = [
  commonTypeDefs,
  authTypeDefs,
  repoTypeDefs,
  runsTypeDefs,
  runControlTypeDefs,
  metricsTypeDefs,
  ciTypeDefs,
  ciActivityTypeDefs,
  ingestTypeDefs,
  simcamTypeDefs,
  replayTypeDefs,
  replayCompareTypeDefs,
  exploreTypeDefs,
  lifecycleTypeDefs,
  analysisTypeDefs,
  campaignsTypeDefs,
  skymapsTypeDefs,
];
