/** The alert production database (APDB) of a replay: its schema, association, and reading it back. */
export { apdbSchemaName, apdbTable, createApdb, dropApdb, apdbExists } from './schema.ts';
export { associateVisit, storeForcedSources, type AssociationOptions, type AssociationResult, type VisitToAssociate } from './associate.ts';
export { diaObjects, diaSources, previousDiaSources, previousForcedSources, associatedVisits } from './queries.ts';
export { HEALPIX_ORDER, pixelOf, pixelsNear, separationDeg } from './spatial.ts';
