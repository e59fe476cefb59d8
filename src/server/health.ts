import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler } from './session-token.js';

/** Liveness: the process answers HTTP. */
export const HEALTH_ROUTE = '/healthz';
/** Readiness: the app can authenticate as itself and is not stopping. */
export const READY_ROUTE = '/readyz';

export interface HealthDeps {
  /** Authenticates as the app (`GET /app` with the app's JWT); rejects when it cannot. */
  checkAuth: () => Promise<void>;
  /** True once the process is stopping. */
  stopping: () => boolean;
  /** How long one answer of `checkAuth` stands for the next probes. */
  cacheMs: number;
  now: () => number;
  log: { warn: (message: string) => void };
}

type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * `GET /healthz` and `GET /readyz`. Readiness asks GitHub at most once per
 * `cacheMs` (probes come every few seconds from every replica), and says why
 * not without the error's details; the log has those.
 */
export function createHealthHandler(deps: HealthDeps): Handler {
  let cached: { at: number; answer: Promise<Readiness> } | null = null;
  const readiness = (): Promise<Readiness> => {
    if (cached && deps.now() - cached.at < deps.cacheMs) return cached.answer;
    const answer = deps.checkAuth().then(
      (): Readiness => ({ ready: true }),
      (err: unknown): Readiness => {
        deps.log.warn(`baton: not ready: cannot authenticate as the app: ${describe(err)}`);
        return { ready: false, reason: 'cannot authenticate as the app' };
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
    const answer = await readiness();
    if (answer.ready) send(res, 200, { status: 'ready' });
    else send(res, 503, { status: 'not ready', reason: answer.reason });
    return true;
  };
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The error's status and message: never a request's headers, which hold the JWT. */
function describe(err: unknown): string {
  if (err && typeof err === 'object') {
    const { status, message } = err as { status?: unknown; message?: unknown };
    return [status, message].filter((part) => part !== undefined).join(' ');
  }
  return String(err);
}
