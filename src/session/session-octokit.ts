import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import {
  classifyGitHubFailure,
  describeGitHubFailure,
  reachFix,
} from '../core/doctor/github-failure.js';
import { DO_NOT_RETRY } from '../core/vocabulary/retry-policy.js';

/** How hard a session's client tries; tests make the waits short. */
export interface SessionClientOptions {
  /** Further tries after the first, for 5xx and connection errors; default 4 (waits 1, 4, 9, 16 s). */
  retries?: number;
  /** The unit of the retry waits (`(try)² × base`), in ms; default 1000. */
  retryBaseMs?: number;
  /** Spacing of writes, in ms; default the throttle's (1 s, and 3 s for writes that notify). */
  writeSpacingMs?: number;
  /** Rate-limit waits longer than this many seconds give up; default 120. */
  maxRateLimitWaitSeconds?: number;
}

/** Further tries after the first, by default. */
export const DEFAULT_RETRIES = 4;

/** What the session's client reports about tries that failed. */
export type SessionLog = (line: string) => void;

const SessionOctokitClass = Octokit.plugin(retry, throttling);
/** The session's GitHub client: Octokit with the app's retry and throttling plugins. */
export type SessionOctokit = InstanceType<typeof SessionOctokitClass>;

/** Retries after a rate limit, at most this many times. */
const MAX_LIMIT_RETRIES = 3;

/** What a session's client of GitHub is made of: the REST API's URL, the token, how it fetches, logs and retries. */
export interface SessionClientInput {
  apiUrl: string;
  token: string | undefined;
  /** Absent or undefined: globalThis.fetch, a log to stderr, the default retries. */
  fetch?: typeof globalThis.fetch | undefined;
  log?: SessionLog | undefined;
  options?: SessionClientOptions | undefined;
}

/**
 * The one client a session talks to GitHub with, for the agent job's reads and
 * publish's writes alike: 5xx and connection errors are retried a bounded
 * number of times, rate limits wait `retry-after`, and every failed try is
 * logged, so a session fails only when GitHub keeps failing.
 */
export function createSessionOctokit({
  apiUrl,
  token,
  userAgent,
  fetch = globalThis.fetch,
  log = (line) => process.stderr.write(`baton: ${line}\n`),
  options = {},
}: SessionClientInput & { userAgent: string }): SessionOctokit {
  const retries = options.retries ?? DEFAULT_RETRIES;
  const maxWait = options.maxRateLimitWaitSeconds ?? 120;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _: unknown, count: number) => {
      const again = count < MAX_LIMIT_RETRIES && retryAfter <= maxWait;
      log(
        `GitHub ${kind} on ${request.method} ${request.url}: ${again ? `trying again in ${retryAfter}s` : 'giving up'}`,
      );
      return again;
    };
  return new SessionOctokitClass({
    baseUrl: apiUrl.replace(/\/+$/, ''),
    userAgent,
    request: { fetch: loggingFetch(fetch, log, token) },
    retry: {
      // Here, not as `request.retries`: a request default makes the plugin retry
      // every status, `doNotRetry` included.
      retries,
      doNotRetry: [...DO_NOT_RETRY],
      ...(options.retryBaseMs !== undefined ? { retryAfterBaseValue: options.retryBaseMs } : {}),
    },
    throttle: {
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      ...(options.retryBaseMs !== undefined ? { retryAfterBaseValue: options.retryBaseMs } : {}),
      ...(options.writeSpacingMs !== undefined ? spacedWrites(options.writeSpacingMs) : {}),
    },
  });
}

/** The throttle's groups for writes and for writes that notify (3 s apart by default). */
function spacedWrites(minTime: number): {
  write: Bottleneck.Group;
  notifications: Bottleneck.Group;
} {
  const group = (id: string) => new Bottleneck.Group({ id, maxConcurrent: 1, minTime });
  return {
    write: group('baton-session-write'),
    notifications: group('baton-session-notifications'),
  };
}

/** Adds the token, and logs every 5xx or 429 and every connection error before the plugins see it. */
function loggingFetch(
  fetch: typeof globalThis.fetch,
  log: SessionLog,
  token: string | undefined,
): typeof globalThis.fetch {
  return async (input, init) => {
    const what = `${init?.method ?? 'GET'} ${pathOf(input)}`;
    const headers = new Headers(init?.headers);
    // `Bearer`, which GitHub takes for every kind of token.
    if (token) headers.set('authorization', `Bearer ${token}`);
    try {
      const response = await fetch(input, { ...init, headers });
      if (response.status >= 500 || response.status === 429) {
        log(`GitHub answered ${response.status} to ${what}`);
      }
      return response;
    } catch (error) {
      log(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };
}

function pathOf(input: string | URL | Request): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** The HTTP status of an Octokit error; network errors count as 500 (as Octokit reports them). */
export function statusOfError(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('status' in error)) return null;
  const { status } = error as { status: unknown };
  return typeof status === 'number' ? status : null;
}

/**
 * The sentence for a request that never reached GitHub (its name, a
 * connection, TLS, a proxy), which Octokit reports as status 500: `GET
 * /issues/3 cannot reach GitHub (DNS: …) after 3 tries; check …`. Null for an
 * answer GitHub gave, whose status then means what it says.
 */
export function unreachableMessage(error: unknown, what: string): string | null {
  const failure = classifyGitHubFailure(error);
  if (failure.kind !== 'unreachable') return null;
  const tries = triesOf(error);
  return `${what} ${describeGitHubFailure(failure)}${tries > 1 ? ` after ${tries} tries` : ''}; ${reachFix(failure.layer)} (the runner's network)`;
}

/** How many tries a failed request had, for the message that ends a session. */
export function triesOf(error: unknown): number {
  const request = (error as { request?: { request?: { retryCount?: number } } } | null)?.request;
  return (request?.request?.retryCount ?? 0) + 1;
}
