import { describe, expect, it } from 'vitest';
import { exitCodeOf, EXIT } from '../../cli/exit-codes.ts';
import { httpStatusOf, VeraError, type ErrorCode } from '../../server/errors.ts';
import { PipelineError } from '../../pipelines/framework/errors.ts';

describe('the one error table', () => {
  it.each<[ErrorCode, number, number]>([
    ['BAD_INPUT', 400, EXIT.badInput],
    ['BAD_REF', 400, EXIT.badInput],
    ['UNAUTHENTICATED', 401, EXIT.auth],
    ['NAMESPACE_RESERVED', 403, EXIT.auth],
    ['UNKNOWN_COLLECTION', 404, EXIT.notFound],
    ['COLLECTION_CONFLICT', 409, EXIT.conflict],
    ['RUN_ACTIVE', 409, EXIT.conflict],
    ['PAYLOAD_TOO_LARGE', 413, EXIT.badInput],
    ['RUN_FAILED', 422, EXIT.failure],
    ['INTERNAL', 500, EXIT.failure],
  ])('%s is HTTP %i and exit code %i', (code, http, exit) => {
    expect(httpStatusOf(code)).toBe(http);
    expect(exitCodeOf(new VeraError(code, 'x'))).toBe(exit);
  });

  it('maps errors of pipeline code and unknown codes from a newer server too', () => {
    expect(exitCodeOf(new PipelineError('FITS_INVALID', 'bad card'))).toBe(EXIT.badInput);
    expect(exitCodeOf(new VeraError('SOME_NEW_CODE' as ErrorCode, 'from a newer server'))).toBe(EXIT.failure);
    expect(exitCodeOf(new Error('plain'))).toBe(EXIT.failure);
  });
});
