import { DEFAULT_AP_PIPELINE } from '../../replay/ap-processor.ts';
import { requireRole } from '../../auth/roles.ts';
import { createReplay } from '../../replay/create.ts';
import { findReplay, listReplays, visitsOf } from '../../replay/queries.ts';
import { alertSubject } from '../../replay/stream.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationStartReplayArgs, QueryReplayArgs, QueryReplaysArgs } from '../generated/resolvers.ts';
import { listLimit } from '../limits.ts';

type ReplayRow = NonNullable<Awaited<ReturnType<typeof findReplay>>>;

export const replayQueries = {
  replays: (_: unknown, a: QueryReplaysArgs, { vera }: GraphQLContext) => listReplays(vera.database.db, listLimit('Query.replays', a.limit)),
  replay: (_: unknown, a: QueryReplayArgs, { vera }: GraphQLContext) => findReplay(vera.database.db, a.id),
};

export const replayMutations = {
  startReplay: async (_: unknown, a: MutationStartReplayArgs, { vera, actor }: GraphQLContext) => {
    requireRole(actor, 'operator', 'starting a replay');
    const id = await createReplay(
      vera.database.db,
      actor,
      {
        instrument: a.instrument,
        codeRef: a.codeRef,
        visits: a.visits ?? undefined,
        speed: a.speed ?? undefined,
        config: {
          inputs: a.inputs,
          ...(a.pipeline ? { pipeline: a.pipeline } : {}),
          ...(a.associationRadiusArcsec ? { associationRadiusArcsec: a.associationRadiusArcsec } : {}),
        },
      },
      (rid) => (vera.config.alertStream ? alertSubject(rid) : null),
    );
    await vera.replays.start(id);
    return findReplay(vera.database.db, id);
  },
};

export const replayTypes = {
  Replay: {
    associationRadiusArcsec: (r: ReplayRow) => r.config.associationRadiusArcsec,
    inputs: (r: ReplayRow) => r.config.inputs ?? [],
    pipeline: (r: ReplayRow) => r.config.pipeline ?? DEFAULT_AP_PIPELINE,
    visits: (r: ReplayRow, _: unknown, { vera }: GraphQLContext) => visitsOf(vera.database.db, [r.id]),
  },
};
