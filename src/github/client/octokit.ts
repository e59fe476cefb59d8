import { ProbotOctokit } from 'probot';
import { DO_NOT_RETRY } from '../../core/vocabulary/retry-policy.js';
import {
  createPacerRegistry,
  isOwnPacing,
  type PacerRegistry,
  paceRequests,
  paceRulesFrom,
} from './pacing/pace-requests.js';

/**
 * The first wait before a request GitHub answered 5xx (or not at all) is sent
 * again; then four and nine times it (plugin-retry waits base × try²). Octokit's
 * default of a second made a pass with two such answers hold its build's lease
 * five seconds; a moment's 502 is over in less, and what lasts is left to the
 * next reconcile's retry (src/github/reconcile/queue/look-again.ts).
 */
const RETRY_BASE_MS = 250;

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

/** Baton's own pacing of this process's requests (src/github/client/pacing/request-pacer.ts). */
/** This process's own pacing of its requests: one process's store (`createMemoryStore`) is it. */
export const processPacing = createPacerRegistry(paceRulesFrom(process.env));
const pacers = processPacing;

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
 * Writes that make something new each time they are sent. Their answer lost
 * on the way (a 5xx; a dropped connection reads as 500) says nothing of
 * whether GitHub made it, and a second try would make it twice: a second
 * session run, paid twice; a second comment or issue; a lock ref created,
 * then read back as "Reference already exists", another process's lock, so
 * the replica stands down on its own. They are sent once (`retries: 0`);
 * a failure is left to the next reconcile, which reads GitHub first, and a
 * guarded one-shot write keeps its lock when its answer is lost (`sendOnce`,
 * src/github/act/locks/refs.ts). Secondary rate limits (nothing written) are still waited out.
 */
export const ONE_SHOT_ROUTES: ReadonlySet<string> = new Set([
  'POST /repos/{owner}/{repo}/git/refs',
  'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/issues',
  'POST /repos/{owner}/{repo}/pulls',
]);

interface HookedOctokit {
  hook: {
    before(name: 'request', fn: (options: Record<string, unknown>) => void): void;
  };
}

/** Sends the `ONE_SHOT_ROUTES` with no retry (plugin-retry reads `request.retries` per request). */
function sendOneShotWritesOnce(octokit: HookedOctokit): void {
  octokit.hook.before('request', (options) => {
    if (!ONE_SHOT_ROUTES.has(`${String(options.method)} ${String(options.url)}`)) return;
    options.request = { ...(options.request as object | undefined), retries: 0 };
  });
}

/**
 * The one Octokit class of the app: Probot's (retries 5xx, paginates, reads
 * config), with rate limits handled as docs/design-notes.md, "GitHub's limits", says. One-shot writes are
 * never retried (`ONE_SHOT_ROUTES`). Probot's default only
 * logs a secondary rate limit; Baton waits `retry-after` and retries, bounded,
 * because content-creating writes (80/minute) are exactly what a build does.
 * Requests are paced by GitHub's rules for each kind (`paceRequests`).
 */
export const BatonOctokit = batonOctokitWith(pacers);

/** `BatonOctokit` paced by `registry`: replicas pass their store's (`BatonStore.pacing`). */
export function batonOctokitWith(registry: PacerRegistry) {
  return ProbotOctokit.plugin(paceRequests({ registry }), sendOneShotWritesOnce).defaults(
    withBatonDefaults,
  );
}

function withBatonDefaults(options: Record<string, unknown>) {
  const throttle = options.throttle as { enabled?: boolean; connection?: unknown } | undefined;
  const installationId = (options.auth as { installationId?: number } | undefined)?.installationId;
  const retry = options.retry as Record<string, unknown> | undefined;
  return {
    ...options,
    // The default policy retries a 405 from a merge or a 409 from a guarded
    // write about three times, though neither can succeed (DO_NOT_RETRY).
    retry: { doNotRetry: [...DO_NOT_RETRY], retryAfterBaseValue: RETRY_BASE_MS, ...retry },
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
}

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
