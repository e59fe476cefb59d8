import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  classifyGitHubFailure,
  describeGitHubFailure,
  type GitHubFailure,
  reachLayerName,
} from '../core/doctor/github-failure.js';
import type { Handler } from './session-token.js';

/** Liveness: the process answers HTTP. */
export const HEALTH_ROUTE = '/healthz';
/** Readiness: the app can authenticate as itself and is not stopping. */
export const READY_ROUTE = '/readyz';

/** How long readiness waits for GitHub before answering 503 (a probe's own timeout is often 1–5 s). */
export const READY_TIMEOUT_MS = 3_000;

export interface HealthDeps {
  /**
   * Authenticates as the app (`GET /app` with the app's JWT); rejects when it cannot.
   * It should give up when `signal` aborts (the readiness answer does not wait for it).
   */
  checkAuth: (signal: AbortSignal) => Promise<void>;
  /** True once the process is stopping. */
  stopping: () => boolean;
  /** Why the store replicas share (Redis) does not answer, or null (`BatonStore.problem`); none: no store. */
  checkStore?: () => Promise<string | null>;
  /** How long one answer of `checkAuth` stands for the next probes. */
  cacheMs: number;
  /** How long one check may take before readiness answers 503; default `READY_TIMEOUT_MS`. */
  timeoutMs?: number;
  now: () => number;
  log: { warn: (message: string) => void };
}

type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * `GET /healthz` and `GET /readyz`. Readiness asks GitHub at most once per
 * `cacheMs` (probes come every few seconds from every replica), and says why
 * not without the error's details; the log has those. A GitHub that does not
 * answer within `timeoutMs` is a 503 "GitHub did not answer within 3 s", not a
 * probe left hanging while the client retries.
 */
export function createHealthHandler(deps: HealthDeps): Handler {
  let cached: { at: number; answer: Promise<Readiness> } | null = null;
  const readiness = (): Promise<Readiness> => {
    if (cached && deps.now() - cached.at < deps.cacheMs) return cached.answer;
    const timeoutMs = deps.timeoutMs ?? READY_TIMEOUT_MS;
    const answer = withinBound(deps.checkAuth, timeoutMs).then(
      (): Readiness => ({ ready: true }),
      (err: unknown): Readiness => {
        if (err instanceof CheckTimedOut) {
          const reason = `GitHub did not answer within ${formatSeconds(timeoutMs)}`;
          deps.log.warn(`baton: not ready: ${reason} (GET /app)`);
          return { ready: false, reason };
        }
        const failure = classifyGitHubFailure(err);
        deps.log.warn(`baton: not ready: ${describeNotReady(failure)}`);
        return { ready: false, reason: readinessReason(failure) };
      },
    );
    cached = { at: deps.now(), answer };
    return answer;
  };
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== HEALTH_ROUTE && path !== READY_ROUTE) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { message: 'use GET' });
      return true;
    }
    if (path === HEALTH_ROUTE) {
      send(res, 200, { status: 'ok' });
      return true;
    }
    if (deps.stopping()) {
      send(res, 503, { status: 'not ready', reason: 'stopping' });
      return true;
    }
    // Without its store a replica makes no write (it cannot pace with the others): not ready.
    const storeProblem = await deps.checkStore?.();
    if (storeProblem) {
      send(res, 503, { status: 'not ready', reason: storeProblem });
      return true;
    }
    const answer = await readiness();
    if (answer.ready) send(res, 200, { status: 'ready' });
    else send(res, 503, { status: 'not ready', reason: answer.reason });
    return true;
  };
}

class CheckTimedOut extends Error {}

/** Runs `check` with a signal that aborts after `ms`, and rejects with `CheckTimedOut` then, whatever `check` does. */
function withinBound(check: (signal: AbortSignal) => Promise<void>, ms: number): Promise<void> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CheckTimedOut());
    }, ms);
  });
  const checked = Promise.resolve()
    .then(() => check(controller.signal))
    .catch((err: unknown) => {
      if (controller.signal.aborted) throw new CheckTimedOut();
      throw err;
    });
  return Promise.race([checked, expired]).finally(() => clearTimeout(timer));
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * The 503's reason: GitHub not reached (by layer: DNS, TCP, TLS, proxy) told
 * apart from GitHub refusing the app's credentials. Short and without the
 * error's details; the log line has those.
 */
function readinessReason(failure: GitHubFailure): string {
  switch (failure.kind) {
    case 'unreachable':
      return `cannot reach GitHub (${reachLayerName(failure.layer)})`;
    case 'refused':
      return `GitHub refused the app's credentials (${failure.status})`;
    default:
      return 'cannot authenticate as the app';
  }
}

/** The log line's detail: the failure in one line, never a stack or the request's headers (the JWT). */
function describeNotReady(failure: GitHubFailure): string {
  return failure.kind === 'refused'
    ? `GitHub refused the app's credentials (${failure.status} ${failure.message})`
    : failure.kind === 'unreachable'
      ? describeGitHubFailure(failure)
      : `cannot authenticate as the app: ${failure.message}`;
}
