import { createHash } from 'node:crypto';
import { HourWindow, type RateCharge } from './hour-window.js';

/**
 * GitHub's primary rate limit of the REST API for one installation, and its
 * conditional requests, as GitHub documents them:
 *
 * - "GitHub Apps authenticating with an installation access token use the
 *   installation's minimum rate limit of 5,000 requests per hour" (more for
 *   large organisations). Every answer carries `x-ratelimit-limit`,
 *   `-remaining`, `-used`, `-reset` (UTC epoch seconds) and `-resource`
 *   (`core`); past the limit GitHub answers 403 with `x-ratelimit-remaining: 0`
 *   until the reset ("Rate limits for the REST API").
 * - "Most endpoints return an `etag` header … You can use the values of these
 *   headers to make conditional requests. If the response has not changed,
 *   you will receive a `304 Not Modified` response. Making a conditional
 *   request does not count against your primary rate limit if a `304`
 *   response is returned" ("Best practices for using the REST API", Use
 *   conditional requests if appropriate). A 304 has no body.
 *
 * The window starts at the first counted request and resets an hour later,
 * like the GraphQL budget (graphql/graphql-budget.ts).
 */
export const REST_REQUESTS_PER_HOUR = 5_000;

export class RestBudget {
  readonly limit: number;
  readonly installationId: number;
  readonly #hour: HourWindow;
  /** When each counted request was made, oldest first (what the bench and tests count). */
  readonly charges: number[] = [];
  /** When each answer of 304 Not Modified was given, uncounted. */
  readonly notModified: number[] = [];

  constructor({
    installationId = 1,
    limit = REST_REQUESTS_PER_HOUR,
  }: { installationId?: number; limit?: number } = {}) {
    this.installationId = installationId;
    this.limit = limit;
    this.#hour = new HourWindow({ limit, resource: 'core' });
  }

  /** Whether a request made at `now` may still go: false once the hour's requests are spent. */
  admits(now: number): RateCharge {
    const hour = this.#hour;
    hour.roll(now);
    const allowed = hour.used < this.limit;
    return { allowed, headers: hour.headers(allowed ? this.limit - hour.used : 0) };
  }

  /** Counts one request answered at `now`; a 304 is noted and not counted. */
  charge(now: number, { notModified = false } = {}): Record<string, string> {
    const hour = this.#hour;
    hour.roll(now);
    if (notModified) this.notModified.push(now);
    else {
      hour.used += 1;
      this.charges.push(now);
    }
    return hour.headers(Math.max(0, this.limit - hour.used));
  }
}

/** GitHub's refusal past the primary limit ("Rate limits for the REST API": 403, remaining 0). */
export function rateLimited(installationId: number): {
  status: number;
  body: { message: string; documentation_url: string };
} {
  return {
    status: 403,
    body: {
      message: `API rate limit exceeded for installation ID ${installationId}.`,
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
    },
  };
}

/**
 * The entity tag of an answer: a weak tag (`W/"…"`, as GitHub gives most
 * answers) of what the client reads, the body and the page links.
 */
export function etagOf(body: unknown, link?: string): string {
  const hash = createHash('sha1')
    .update(JSON.stringify(body) ?? '')
    .update('\n')
    .update(link ?? '')
    .digest('hex');
  return `W/"${hash}"`;
}

/**
 * Whether `If-None-Match` names `etag`: a list of tags, or `*`, compared
 * weakly (RFC 9110 §13.1.2: a `W/` prefix does not matter).
 */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}
