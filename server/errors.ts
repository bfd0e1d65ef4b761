import { CodedError, type PipelineErrorCode } from '../pipelines/framework/errors.ts';

/**
 * One error type for the whole service. `code` is stable and machine-readable; faces (GraphQL,
 * HTTP, CLI) map it to their own conventions in one place each and never parse messages.
 */
export type ErrorCode =
  | 'BAD_INPUT'
  | 'BAD_REF'
  | 'QUERY_TOO_COMPLEX'
  | 'INTROSPECTION_DISABLED'
  | 'PAYLOAD_TOO_LARGE'
  | 'CONFIG_INVALID'
  | 'DB_LOCKED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_OWNER'
  | 'NAMESPACE_RESERVED'
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

export class VeraError extends CodedError<ErrorCode> {}

// Pipeline codes are Vera codes: this fails to compile if pipelines/ adds one Vera lacks.
const _pipelineCodesAreVeraCodes: PipelineErrorCode extends ErrorCode ? true : never = true;
void _pipelineCodesAreVeraCodes;

/**
 * A VeraError, or an error of pipeline code (whose codes are a subset of Vera's): anything that
 * carries a stable code for the faces to map.
 */
export function isVeraError(e: unknown): e is CodedError<ErrorCode> {
  return e instanceof CodedError;
}

/** HTTP status for each code family; used by the HTTP routes and by the CLI's exit codes. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
    case 'NOT_OWNER':
    case 'NAMESPACE_RESERVED':
    case 'INTROSPECTION_DISABLED':
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
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'INTERNAL':
      return 500;
    default:
      return 400;
  }
}
