import { VeraError } from '../errors.ts';

/**
 * Roles, each including the rights of the ones before it:
 * viewer reads; developer also creates collections, runs and dataset types and manages what it
 * owns; operator also runs campaigns and approves; admin also manages users and anyone's things.
 */
export const ROLES = ['viewer', 'developer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting: a user from a token, or the anonymous reader when anonymous reads are allowed. */
export interface Actor {
  id: number;
  name: string;
  role: Role;
}

export const ANONYMOUS: Actor = { id: 0, name: 'anonymous', role: 'viewer' };

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function hasRole(actor: Actor, needed: Role): boolean {
  return ROLES.indexOf(actor.role) >= ROLES.indexOf(needed);
}

export function requireRole(actor: Actor, needed: Role, action: string): void {
  if (actor.id === ANONYMOUS.id && needed !== 'viewer') {
    throw new VeraError('UNAUTHENTICATED', `${action} needs an API token (role ${needed} or above)`, { action });
  }
  if (!hasRole(actor, needed)) {
    throw new VeraError('FORBIDDEN', `${action} needs role ${needed}; user '${actor.name}' is ${actor.role}`, {
      action,
      needed,
      role: actor.role,
    });
  }
}

/** Owners manage their own things; admins manage anyone's. */
export function requireOwner(actor: Actor, ownerId: number, ownerName: string, what: string): void {
  if (actor.id === ownerId || actor.role === 'admin') return;
  throw new VeraError('NOT_OWNER', `${what} belongs to '${ownerName}'; user '${actor.name}' may not change it`, {
    owner: ownerName,
    actor: actor.name,
  });
}
