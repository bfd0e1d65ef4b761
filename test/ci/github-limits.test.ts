import { describe, expect, it } from 'vitest';
import { isNotFound, rateLimitWaitMs } from '../../server/ci/github-limits.ts';

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const refused = (status: number, headers: Record<string, string>, message = 'Forbidden') => ({ status, message, response: { headers } });

describe('how long GitHub asks us to wait', () => {
  it('retry-after, in seconds, wins over the other headers', () => {
    expect(rateLimitWaitMs(refused(403, { 'retry-after': '30', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 600) }), NOW)).toBe(30_000);
    expect(rateLimitWaitMs(refused(429, { 'retry-after': '0' }), NOW)).toBe(0);
  });

  it('an exhausted primary limit waits until its reset, a second past it', () => {
    expect(rateLimitWaitMs(refused(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 120) }), NOW)).toBe(121_000);
    // A reset already past (clocks differ) still waits the second.
    expect(rateLimitWaitMs(refused(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 - 5) }), NOW)).toBe(0);
  });

  it('a secondary limit without headers waits a minute; a wait of days is not believed', () => {
    expect(rateLimitWaitMs(refused(403, {}, 'You have exceeded a secondary rate limit'), NOW)).toBe(60_000);
    expect(rateLimitWaitMs(refused(429, {}), NOW)).toBe(60_000);
    expect(rateLimitWaitMs(refused(403, { 'retry-after': String(7 * 86_400) }), NOW)).toBe(3_600_000);
  });

  it('other failures are not rate limits: a plain 403, a 404, a 502, a network error', () => {
    expect(rateLimitWaitMs(refused(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration'), NOW)).toBeNull();
    expect(rateLimitWaitMs(refused(404, {}), NOW)).toBeNull();
    expect(rateLimitWaitMs(refused(502, { 'retry-after': '5' }), NOW)).toBeNull();
    expect(rateLimitWaitMs(new Error('ECONNRESET'), NOW)).toBeNull();
    expect(isNotFound(refused(404, {}))).toBe(true);
    expect(isNotFound(refused(403, {}))).toBe(false);
  });
});
