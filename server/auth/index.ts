export { ROLES, ANONYMOUS, hasRole, isRole, requireRole, requireOwner, type Actor, type Role } from './roles.ts';
export { authenticate, createToken, listTokens, revokeToken, hashToken, type CreatedToken, type TokenInfo } from './tokens.ts';
export { createUser, getUser, listUsers, countUsers, setUserDisabled, systemActor, isSystemActor, SYSTEM_USER, type User } from './users.ts';
export { bootstrapAdmin, readAdminToken, ADMIN_TOKEN_FILE } from './bootstrap.ts';
