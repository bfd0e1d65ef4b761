import { getBuild, listBuilds, refOfCommit, requestBuild, type BuildRow } from '../../ci/builds.ts';
import { BUILD_EVENTS, type BuildEvent } from '../../ci/policy.ts';
import { addRepo, fetchRepo, findRepoByGithubName, getRepo, listRepos, type Repo } from '../../git/repos.ts';
import { requireRole } from '../../auth/roles.ts';
import { VeraError } from '../../errors.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationAddRepoArgs, MutationFetchRepoArgs, MutationRequestBuildArgs, QueryBuildArgs, QueryBuildsArgs } from '../generated/resolvers.ts';
import { listLimit } from '../limits.ts';

type Ctx = GraphQLContext;

async function buildOut(ctx: Ctx, id: number) {
  const { build, repo } = await getBuild(ctx.vera.database.db, id);
  return shapeBuild(build, repo.name);
}

export function shapeBuild(build: BuildRow, repo: string) {
  const summary = (build.summary ?? {}) as { regressions?: number; regressedMetrics?: string[]; markdown?: string; runs?: string[] };
  return {
    ...build,
    repo,
    regressions: summary.regressions ?? null,
    regressedMetrics: summary.regressedMetrics ?? null,
    summaryMarkdown: summary.markdown ?? null,
  };
}

export const ciQueries = {
  repos: (_: unknown, _a: unknown, { vera }: Ctx) => listRepos(vera.database.db),
  builds: async (_: unknown, a: QueryBuildsArgs, ctx: Ctx) =>
    (await listBuilds(ctx.vera.database.db, { repo: a.repo ?? undefined, status: a.status ?? undefined, limit: listLimit('Query.builds', a.limit) })).map((b) => shapeBuild(b.build, b.repo)),
  build: (_: unknown, a: QueryBuildArgs, ctx: Ctx) => buildOut(ctx, a.id).catch((e: VeraError) => (e.code === 'NOT_FOUND' ? null : Promise.reject(e))),
};

export const ciMutations = {
  addRepo: (_: unknown, a: MutationAddRepoArgs, { vera, actor }: Ctx) =>
    addRepo(vera.database.db, vera.config.home, { url: a.url, ...(a.name ? { name: a.name } : {}), ...(a.githubFullName ? { githubFullName: a.githubFullName } : {}) }, actor),
  fetchRepo: async (_: unknown, a: MutationFetchRepoArgs, { vera, actor }: Ctx) => {
    requireRole(actor, 'developer', 'fetching repositories');
    const repo = await getRepo(vera.database.db, a.name);
    await fetchRepo(vera.database.db, repo);
    return getRepo(vera.database.db, a.name);
  },
  requestBuild: async (
    _: unknown,
    a: MutationRequestBuildArgs,
    ctx: Ctx,
  ) => {
    const event = (a.event ?? 'api') as BuildEvent;
    if (!(BUILD_EVENTS as readonly string[]).includes(event)) throw new VeraError('BAD_INPUT', `unknown event '${event}'; events: ${BUILD_EVENTS.join(', ')}`);
    if (Boolean(a.pipeline) !== Boolean(a.dataset)) throw new VeraError('BAD_INPUT', 'give both pipeline and dataset, or neither (then vera.yaml decides)');
    const repo = a.repo.includes('/') ? ((await findRepoByGithubName(ctx.vera.database.db, a.repo)) ?? (await getRepo(ctx.vera.database.db, a.repo))) : await getRepo(ctx.vera.database.db, a.repo);
    const build = await requestBuild(
      ctx.vera,
      {
        repo: repo.name,
        commit: a.commit,
        ref: a.ref ?? (await refOfCommit(ctx.vera.database.db, repo, a.commit)),
        event,
        prNumber: a.prNumber ?? undefined,
        headBranch: a.headBranch ?? undefined,
        only: a.pipeline && a.dataset ? { pipeline: a.pipeline, dataset: a.dataset } : undefined,
      },
      ctx.actor,
    );
    return buildOut(ctx, build.id);
  },
};

export const ciTypes = {
  Repo: {
    refs: (r: Repo, _a: unknown, { loaders }: Ctx) => loaders.refsOfRepo.load(r.id),
  },
  Build: {
    runs: async (b: { id: number }, _a: unknown, { loaders }: Ctx) => {
      const runs = await loaders.runByName.loadMany(await loaders.runNamesOfBuild.load(b.id));
      return runs.filter((r) => r !== undefined && !(r instanceof Error));
    },
  },
};
