import { hasRole, type Actor } from '../../auth/roles.ts';
import { isSystemActor } from '../../auth/users.ts';
import { DEFAULT_RUN_LIFETIMES, type RunLifetimes } from '../../config.ts';
import { VeraError } from '../../errors.ts';
import type { RunPurpose } from '../types.ts';

export type { RunLifetimes };


const DAY_MS = 86_400_000;

/**
 * Who may label a run with a purpose. `ci` marks a run as Vera CI's (its measurements may count as
 * branch history), so only CI's own user (`vera-ci`, which builds act as) and admins may use it;
 * `operator` is production processing, for operators and admins. Others: any developer.
 */
export function requirePurposeAllowed(actor: Actor, purpose: RunPurpose): void {
  if (purpose === 'ci' && !(isSystemActor(actor) || actor.role === 'admin')) {
    throw new VeraError('FORBIDDEN', `run purpose 'ci' is for Vera CI's own builds (user 'vera-ci') and admins; user '${actor.name}' is ${actor.role}`, {
      purpose,
      role: actor.role,
    });
  }
  if (purpose === 'operator' && !hasRole(actor, 'operator')) {
    throw new VeraError('FORBIDDEN', `run purpose 'operator' needs role operator; user '${actor.name}' is ${actor.role}`, { purpose, role: actor.role });
  }
}

/**
 * When a new run expires: the date asked for, which must lie in the future, else its purpose's
 * lifetime from now. Every run has one: `vera prune` deletes expired runs.
 */
export function expiryFor(purpose: RunPurpose, requested: Date | undefined, lifetimes: RunLifetimes = DEFAULT_RUN_LIFETIMES, now = new Date()): Date {
  if (requested === undefined) return new Date(now.getTime() + lifetimes[purpose] * DAY_MS);
  if (Number.isNaN(requested.getTime())) throw new VeraError('BAD_INPUT', 'expiresAt is not a valid date', { expiresAt: String(requested) });
  if (requested.getTime() <= now.getTime()) {
    throw new VeraError('BAD_INPUT', `expiresAt ${requested.toISOString()} is not in the future (now ${now.toISOString()}): a run cannot be made already expired`, {
      expiresAt: requested.toISOString(),
    });
  }
  return requested;
}
