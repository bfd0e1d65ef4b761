import type { Actor } from '../auth/roles.ts';
import type { Vera } from '../app.ts';
import type { Loaders } from './loaders.ts';

export interface GraphQLContext {
  vera: Vera;
  actor: Actor;
  /** Batches per-object reads of this request (see loaders.ts). */
  loaders: Loaders;
}
