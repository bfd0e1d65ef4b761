import type { Actor } from '../auth/roles.ts';
import type { Vera } from '../app.ts';

export interface GraphQLContext {
  vera: Vera;
  actor: Actor;
}
