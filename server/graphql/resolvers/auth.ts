import * as auth from '../../auth/index.ts';
import { VeraError } from '../../errors.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationCreateTokenArgs, MutationCreateUserArgs, MutationDisableUserArgs, MutationEnableUserArgs, MutationRevokeTokenArgs, QueryTokensArgs } from '../generated/resolvers.ts';

type Ctx = GraphQLContext;

export const authQueries = {
  me: (_: unknown, _a: unknown, { actor }: Ctx) => actor,
  users: (_: unknown, _a: unknown, { vera, actor }: Ctx) => {
    auth.requireRole(actor, 'admin', 'listing users');
    return auth.listUsers(vera.database.db);
  },
  tokens: (_: unknown, a: QueryTokensArgs, { vera, actor }: Ctx) =>
    auth.listTokens(vera.database.db, actor, { user: a.user ?? undefined, all: a.all ?? false }),
};

export const authMutations = {
  createUser: (_: unknown, a: MutationCreateUserArgs, { vera, actor }: Ctx) => auth.createUser(vera.database.db, a.name, a.role, actor),
  createToken: async (_: unknown, a: MutationCreateTokenArgs, { vera, actor }: Ctx) => {
    auth.requireRole(actor, 'viewer', 'creating tokens');
    if (actor.id === auth.ANONYMOUS.id) throw new VeraError('UNAUTHENTICATED', 'creating tokens needs an API token');
    const target = a.user && a.user !== actor.name ? await auth.getUser(vera.database.db, a.user) : { id: actor.id, name: actor.name };
    if (target.id !== actor.id) auth.requireRole(actor, 'admin', "creating tokens for other users");
    const created = await auth.createToken(vera.database.db, target.id, a.name, { expiresAt: a.expiresAt ?? undefined });
    return { token: created.token, prefix: created.prefix, user: target.name, id: created.id, expiresAt: a.expiresAt ?? null };
  },
  revokeToken: (_: unknown, a: MutationRevokeTokenArgs, { vera, actor }: Ctx) => auth.revokeToken(vera.database.db, actor, a.id),
  disableUser: (_: unknown, a: MutationDisableUserArgs, { vera, actor }: Ctx) => auth.setUserDisabled(vera.database.db, a.name, true, actor),
  enableUser: (_: unknown, a: MutationEnableUserArgs, { vera, actor }: Ctx) => auth.setUserDisabled(vera.database.db, a.name, false, actor),
};
