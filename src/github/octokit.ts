import Bottleneck from 'bottleneck';
import { ProbotOctokit } from 'probot';
import { DO_NOT_RETRY } from '../core/retry-policy.js';

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

/**
 * The one Octokit class of the app: Probot's (retries 5xx, paginates, reads
 * config), with rate limits handled as DESIGN §3 asks. Probot's default only
 * logs a secondary rate limit; Baton waits `retry-after` and retries, bounded,
 * because content-creating writes (80/minute) are exactly what a build does.
 */
/**
 * GitHub asks for a second between content-creating writes, and the throttle
 * spaces writes (and every GraphQL query) that far apart per installation.
 * `BATON_WRITE_SPACING_MS` changes the spacing; only a simulation should lower
 * it (the demo and the end-to-end tests do), never an app talking to GitHub.
 */
const writeSpacing = process.env.BATON_WRITE_SPACING_MS;
const writeGroup =
  writeSpacing && Number.isFinite(Number(writeSpacing))
    ? new Bottleneck.Group({
        id: 'baton-write',
        maxConcurrent: 1,
        minTime: Math.max(0, Number(writeSpacing)),
      })
    : undefined;

export const BatonOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => {
  const throttle = options.throttle as { enabled?: boolean } | undefined;
  const installationId = (options.auth as { installationId?: number } | undefined)?.installationId;
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
      // GitHub asks for writes one at a time per installation (and the throttle
      // counts every GraphQL query as one): spaced per installation, a busy
      // repository does not slow every other installation down.
      ...(installationId ? { id: `installation-${installationId}` } : {}),
      ...(writeGroup ? { write: writeGroup } : {}),
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
    },
  };
});

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
