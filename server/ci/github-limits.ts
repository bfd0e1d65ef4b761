/**
 * How long GitHub asks us to wait before the next call, read from a failed call's response as
 * GitHub documents it ("Rate limits for the REST API"): a `retry-after` header (seconds) wins;
 * else, with `x-ratelimit-remaining: 0`, until `x-ratelimit-reset` (epoch seconds); else a 403 or
 * 429 that names a secondary rate limit waits a minute. Null when the failure is not a rate limit.
 */
export function rateLimitWaitMs(error: unknown, now = Date.now()): number | null {
  const e = error as { status?: unknown; message?: unknown; response?: { headers?: Record<string, unknown> } } | null;
  const status = typeof e?.status === 'number' ? e.status : undefined;
  if (status !== 403 && status !== 429) return null;
  const headers = e?.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return clamp(retryAfter * 1000);
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    // One second past the reset: GitHub's clock and ours differ by a little.
    if (Number.isFinite(reset)) return clamp(reset * 1000 - now + 1000);
  }
  if (status === 429 || /secondary rate limit/i.test(String(e?.message ?? ''))) return SECONDARY_WAIT_MS;
  return null;
}

const SECONDARY_WAIT_MS = 60_000;
/** A header asking for more than an hour is not believed: a primary limit resets within one. */
const MAX_WAIT_MS = 3_600_000;

function clamp(ms: number): number {
  return Math.min(MAX_WAIT_MS, Math.max(0, Math.ceil(ms)));
}

/** Whether a failed call answered 404: the thing it addressed (a comment someone deleted) is gone. */
export function isNotFound(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 404;
}
