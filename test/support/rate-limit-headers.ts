/**
 * GitHub's `x-ratelimit-*` headers on an answer ("Checking the status of your rate
 * limit", https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api):
 * `remaining` of `limit` left in the window that resets at `reset` (epoch seconds).
 */
export function rateLimitHeaders(
  remaining: number,
  { limit = 5000, reset = 3600, resource = 'graphql' } = {},
): Record<string, string> {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-used': String(limit - remaining),
    'x-ratelimit-reset': String(reset),
    'x-ratelimit-resource': resource,
  };
}
