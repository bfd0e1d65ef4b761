/**
 * Errors of pipeline code, from a module that imports nothing: `pipelines/` is a leaf that
 * pipelines outside Vera's tree can use as they are. `code` is stable and machine-readable; Vera's
 * server errors extend the same base, so every face maps both in one place.
 */
export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  readonly details: Record<string, unknown>;

  constructor(code: C, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** What pipeline code can report: bad inputs or config, unreadable files, failed fits. */
export type PipelineErrorCode =
  | 'BAD_INPUT'
  | 'NOT_FOUND'
  | 'FITS_INVALID'
  | 'PARQUET_INVALID'
  | 'UNKNOWN_STORAGE_CLASS'
  | 'ASTROMETRY_FAILED'
  | 'PHOTOCAL_FAILED'
  | 'CHECKSUM_MISMATCH';

export class PipelineError extends CodedError<PipelineErrorCode> {}
