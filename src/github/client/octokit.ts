import { ProbotOctokit } from 'probot';
import { DO_NOT_RETRY } from '../../core/vocabulary/retry-policy.js';
import { createPacerRegistry, isOwnPacing, paceRequests, paceRulesFrom } from './pace-requests.js';

/** Retries after a rate limit, at most this many times, each wait at most this long. */
const MAX_LIMIT_RETRIES = 2;
const MAX_WAIT_SECONDS = 120;

interface LimitedRequest {
  method: string;
  url: string;
}

interface LoggingOctokit {
  log: { warn(message: string): void };
}

/** Baton's own pacing of this process's requests (src/github/client/request-pacer.ts). */
const pacers = createPacerRegistry(paceRulesFrom(process.env));

/**
 * Stands in for Octokit's write limiter when Baton paces the client itself:
 * the throttle counts `POST /graphql` as a write, so its limiter would space
 * every query a second apart (see the plugin's wrap-request.js).
 */
const UNPACED = {
  key: () => ({
    schedule: (_options: unknown, job: (...args: unknown[]) => unknown, ...args: unknown[]) =>
      job(...args),
  }),
};

/**
 * The one Octokit class of the app: Probot's (retries 5xx, paginates, reads
 * config), with rate limits handled as DESIGN §3 asks. Probot's default only
 * logs a secondary rate limit; Baton waits `retry-after` and retries, bounded,
 * because content-creating writes (80/minute) are exactly what a build does.
 * Requests are paced by GitHub's rules for each kind (`paceRequests`).
 */
export const BatonOctokit = ProbotOctokit.plugin(paceRequests({ registry: pacers })).defaults(
  (options: Record<string, unknown>) => {
    const throttle = options.throttle as { enabled?: boolean; connection?: unknown } | undefined;
    const installationId = (options.auth as { installationId?: number } | undefined)
      ?.installationId;
    const retry = options.retry as Record<string, unknown> | undefined;
    return {
      ...options,
      // The default policy retries a 405 from a merge or a 409 from a guarded
      // write about three times, though neither can succeed (DO_NOT_RETRY).
      retry: { doNotRetry: [...DO_NOT_RETRY], ...retry },
      throttle: {
        ...throttle,
        // Stated, because Probot's `app.auth(id)` drops throttling unless it is explicitly on.
        enabled: throttle?.enabled ?? true,
        // Paced per installation: a busy repository does not slow every other
        // installation down. Writes, queries and reads each by GitHub's own rule.
        ...(installationId ? { id: `installation-${installationId}` } : {}),
        ...(isOwnPacing(throttle) ? { write: UNPACED } : {}),
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
      },
    };
  },
);

function onLimit(kind: string) {
  return (
    retryAfter: number,
    request: LimitedRequest,
    octokit: LoggingOctokit,
    retryCount: number,
  ) => {
    const retry = retryCount < MAX_LIMIT_RETRIES && retryAfter <= MAX_WAIT_SECONDS;
    octokit.log.warn(
      `GitHub ${kind} on ${request.method} ${request.url}: ${retry ? `retrying in ${retryAfter}s` : 'giving up'}`,
    );
    return retry;
  };
}
