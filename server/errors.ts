import { CodedError, type PipelineErrorCode } from '../pipelines/framework/errors.ts';

/**
 * Every error code of the service and its kind, in one table: `code` is stable and
 * machine-readable, and each face maps a kind to its own convention (`FACE_OF_KIND`): GraphQL
 * `extensions.code`, HTTP status, CLI exit code. Faces never parse messages.
 */
const KIND_OF_CODE = {
  BAD_INPUT: 'bad-input',
  BAD_REF: 'bad-input',
  QUERY_TOO_COMPLEX: 'bad-input',
  INTROSPECTION_DISABLED: 'forbidden',
  PAYLOAD_TOO_LARGE: 'too-large',
  CONFIG_INVALID: 'bad-input',
  DB_LOCKED: 'conflict',
  UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  NOT_OWNER: 'forbidden',
  NAMESPACE_RESERVED: 'forbidden',
  NOT_FOUND: 'not-found',
  UNKNOWN_DIMENSION: 'not-found',
  DIMENSION_NOT_IN_TYPE: 'bad-input',
  DIMENSION_RECORD_MISSING: 'bad-input',
  DIMENSION_RECORD_CONFLICT: 'conflict',
  DATA_ID_INVALID: 'bad-input',
  UNKNOWN_DATASET_TYPE: 'not-found',
  DATASET_TYPE_CONFLICT: 'conflict',
  UNKNOWN_STORAGE_CLASS: 'not-found',
  DATASET_CONFLICT: 'conflict',
  UNKNOWN_DATASET: 'not-found',
  UNKNOWN_COLLECTION: 'not-found',
  COLLECTION_CONFLICT: 'conflict',
  COLLECTION_TYPE: 'bad-input',
  CHAIN_CYCLE: 'conflict',
  CALIBRATION_CONFLICT: 'conflict',
  CALIBRATION_TIME_REQUIRED: 'bad-input',
  CALIBRATION_AMBIGUOUS: 'bad-input',
  WHERE_SYNTAX: 'bad-input',
  WHERE_TYPE: 'bad-input',
  WHERE_UNKNOWN_NAME: 'bad-input',
  PATH_ESCAPE: 'bad-input',
  CHECKSUM_MISMATCH: 'bad-input',
  PIPELINE_INVALID: 'bad-input',
  RUN_FAILED: 'failed',
  RUN_ACTIVE: 'conflict',
  RUN_ENDED: 'conflict',
  RUN_ORPHANED: 'failed',
  NOT_BRANCH_HISTORY: 'bad-input',
  EMPTY_GRAPH: 'bad-input',
  UNKNOWN_RUN: 'not-found',
  UNKNOWN_CAMPAIGN: 'not-found',
  CAMPAIGN_DECIDED: 'conflict',
  QUOTA_EXCEEDED: 'forbidden',
  PREREQUISITE_MISSING: 'bad-input',
  INTERNAL: 'internal',
  FITS_INVALID: 'bad-input',
  PARQUET_INVALID: 'bad-input',
  METRIC_YAML: 'bad-input',
  SPEC_YAML: 'bad-input',
  SPEC_UNRESOLVED: 'bad-input',
  SPEC_CYCLE: 'bad-input',
  JOB_JSON: 'bad-input',
  UNIT_UNKNOWN: 'bad-input',
  UNIT_INCOMPATIBLE: 'bad-input',
  ASTROMETRY_FAILED: 'bad-input',
  PHOTOCAL_FAILED: 'bad-input',
  BUTLER_EXPORT_INVALID: 'bad-input',
  UNIVERSE_INVALID: 'bad-input',
  SQL_REFUSED: 'bad-input',
  SQL_TIMEOUT: 'failed',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof KIND_OF_CODE;

/** What went wrong, as the faces need to tell it. */
export type ErrorKind = 'bad-input' | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict' | 'too-large' | 'failed' | 'internal';

/** HTTP status and CLI exit code (README: 1 failure, 2 bad input, 3 not authorized, 4 not found, 5 conflict) per kind. */
export const FACE_OF_KIND: Record<ErrorKind, { http: number; exit: number }> = {
  'bad-input': { http: 400, exit: 2 },
  unauthenticated: { http: 401, exit: 3 },
  forbidden: { http: 403, exit: 3 },
  'not-found': { http: 404, exit: 4 },
  conflict: { http: 409, exit: 5 },
  'too-large': { http: 413, exit: 2 },
  failed: { http: 422, exit: 1 },
  internal: { http: 500, exit: 1 },
};

export function errorKindOf(code: ErrorCode): ErrorKind {
  return KIND_OF_CODE[code];
}

export function httpStatusOf(code: ErrorCode): number {
  return FACE_OF_KIND[KIND_OF_CODE[code]].http;
}

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
