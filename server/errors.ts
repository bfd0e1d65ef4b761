/**
 * One error type for the whole service. `code` is stable and machine-readable; faces (GraphQL,
 * HTTP, CLI) map it to their own conventions in one place each and never parse messages.
 */
export type ErrorCode =
  | 'BAD_INPUT'
  | 'CONFIG_INVALID'
  | 'DB_LOCKED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_OWNER'
  | 'NOT_FOUND'
  | 'UNKNOWN_DIMENSION'
  | 'DIMENSION_NOT_IN_TYPE'
  | 'DIMENSION_RECORD_MISSING'
  | 'DIMENSION_RECORD_CONFLICT'
  | 'DATA_ID_INVALID'
  | 'UNKNOWN_DATASET_TYPE'
  | 'DATASET_TYPE_CONFLICT'
  | 'UNKNOWN_STORAGE_CLASS'
  | 'DATASET_CONFLICT'
  | 'UNKNOWN_DATASET'
  | 'UNKNOWN_COLLECTION'
  | 'COLLECTION_CONFLICT'
  | 'COLLECTION_TYPE'
  | 'CHAIN_CYCLE'
  | 'CALIBRATION_CONFLICT'
  | 'CALIBRATION_TIME_REQUIRED'
  | 'CALIBRATION_AMBIGUOUS'
  | 'WHERE_SYNTAX'
  | 'WHERE_TYPE'
  | 'WHERE_UNKNOWN_NAME'
  | 'PATH_ESCAPE'
  | 'CHECKSUM_MISMATCH'
  | 'PIPELINE_INVALID'
  | 'RUN_FAILED'
  | 'RUN_ACTIVE'
  | 'RUN_ORPHANED'
  | 'EMPTY_GRAPH'
  | 'UNKNOWN_RUN'
  | 'PREREQUISITE_MISSING'
  | 'INTERNAL'
  | 'FITS_INVALID'
  | 'PARQUET_INVALID'
  | 'METRIC_YAML'
  | 'SPEC_YAML'
  | 'SPEC_UNRESOLVED'
  | 'SPEC_CYCLE'
  | 'JOB_JSON'
  | 'UNIT_UNKNOWN'
  | 'UNIT_INCOMPATIBLE'
  | 'ASTROMETRY_FAILED'
  | 'PHOTOCAL_FAILED';

export class VeraError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VeraError';
    this.code = code;
    this.details = details;
  }
}

export function isVeraError(e: unknown): e is VeraError {
  return e instanceof VeraError;
}

/** HTTP status for each code family; used by the HTTP routes and by the CLI's exit codes. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
    case 'NOT_OWNER':
      return 403;
    case 'NOT_FOUND':
    case 'UNKNOWN_DATASET':
    case 'UNKNOWN_COLLECTION':
    case 'UNKNOWN_DATASET_TYPE':
      return 404;
    case 'DATASET_TYPE_CONFLICT':
    case 'DATASET_CONFLICT':
    case 'COLLECTION_CONFLICT':
    case 'CALIBRATION_CONFLICT':
    case 'DIMENSION_RECORD_CONFLICT':
    case 'DB_LOCKED':
      return 409;
    case 'INTERNAL':
      return 500;
    default:
      return 400;
  }
}
