export { ROLES, ANONYMOUS, hasRole, isRole, requireRole, requireOwner, type Actor, type Role } from './roles.ts';
export { authenticate, createToken, revokeToken, hashToken, type CreatedToken } from './tokens.ts';
export { createUser, getUser, listUsers, countUsers, systemActor, SYSTEM_USER, type User } from './users.ts';
export { bootstrapAdmin, readAdminToken, ADMIN_TOKEN_FILE } from './bootstrap.ts';
