import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Octokit } from '@octokit/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ActOutcome } from '../github/act/act.js';
import { requestReason } from '../github/client/request-reason.js';
import type { Handler } from './session-token.js';

export const METRICS_ROUTE = '/metrics';

/** Baton's Prometheus metrics, on a registry of its own. */
export interface BatonMetrics {
  registry: Registry;
  webhooks: Counter<'event' | 'outcome'>;
  reconciles: Histogram<'outcome'>;
  githubRequests: Counter<'route' | 'status' | 'reason'>;
  rateLimitRemaining: Gauge<'installation'>;
  actions: Counter<'kind' | 'result'>;
  sessionsDispatched: Counter<'role'>;
  builds: Gauge<'phase'>;
  /** The phase each build was last seen in by this process (feeds `builds`; a cache, not state). */
  phases: Map<string, string>;
}

/** Builds whose phase `builds` remembers; the oldest is forgotten past this. */
const MAX_BUILDS = 10_000;

export function createMetrics(): BatonMetrics {
  const registry = new Registry();
  return {
    registry,
    webhooks: new Counter({
      name: 'baton_webhooks_total',
      help: 'Webhooks received, by event (event.action) and outcome (received, failed).',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    }),
    reconciles: new Histogram({
      name: 'baton_reconcile_duration_seconds',
      help: 'Reconciles of one build, by outcome (ok, failed).',
      labelNames: ['outcome'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    githubRequests: new Counter({
      name: 'baton_github_requests_total',
      help: 'Requests to GitHub, by route template, status (304: a conditional read GitHub does not count) and why Baton made it (reconcile-read, status-edit, session, merge, …; none when untold).',
      labelNames: ['route', 'status', 'reason'],
      registers: [registry],
    }),
    rateLimitRemaining: new Gauge({
      name: 'baton_github_rate_limit_remaining',
      help: 'x-ratelimit-remaining of the last answer, by installation (app: the app JWT).',
      labelNames: ['installation'],
      registers: [registry],
    }),
    actions: new Counter({
      name: 'baton_actions_total',
      help: 'Actions decide() returned and act carried out, by kind and result (done, unchanged, stood-down, deferred, failed).',
      labelNames: ['kind', 'result'],
      registers: [registry],
    }),
    sessionsDispatched: new Counter({
      name: 'baton_sessions_dispatched_total',
      help: 'Sessions this process dispatched, by role (plan, work, review, fix).',
      labelNames: ['role'],
      registers: [registry],
    }),
    builds: new Gauge({
      name: 'baton_builds',
      help: 'Builds by the phase this process last reconciled them in (planning, plan-ready, running, done, …).',
      labelNames: ['phase'],
      registers: [registry],
    }),
    phases: new Map(),
  };
}

/** Counts one reconcile's outcomes: its actions, the sessions it dispatched, the build's phase. */
export function recordReconcile(
  metrics: BatonMetrics,
  build: string,
  outcomes: ActOutcome[],
): void {
  for (const { action, result } of outcomes) {
    metrics.actions.inc({ kind: action.kind, result });
    if (action.kind === 'dispatch' && result === 'done')
      metrics.sessionsDispatched.inc({ role: action.request.role });
    if (action.kind === 'render-status') setPhase(metrics, build, action.view.phase);
  }
}

function setPhase(metrics: BatonMetrics, build: string, phase: string): void {
  const before = metrics.phases.get(build);
  if (before === phase) return;
  if (before) metrics.builds.dec({ phase: before });
  metrics.phases.delete(build);
  metrics.phases.set(build, phase);
  metrics.builds.inc({ phase });
  if (metrics.phases.size <= MAX_BUILDS) return;
  const [oldest, oldPhase] = metrics.phases.entries().next().value ?? [];
  if (oldest === undefined || oldPhase === undefined) return;
  metrics.phases.delete(oldest);
  metrics.builds.dec({ phase: oldPhase });
}

/** `GET /metrics` in Prometheus' text format. */
export function createMetricsHandler(metrics: BatonMetrics): Handler {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '').split('?')[0] !== METRICS_ROUTE) return false;
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'use GET' }));
      return true;
    }
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(body);
    return true;
  };
}

type RequestOptions = { method?: string; url?: string };
type RequestAnswer = { status?: number; headers?: Record<string, string | number | undefined> };

/**
 * An Octokit plugin that counts every request by its route template (never
 * the expanded URL: no ids, no tokens), status and reason, and keeps the rate
 * limit GitHub reports per installation. The reason is the one in force where
 * the request is made (`withReason`, src/github/client/request-reason.ts): the
 * hook is the outermost, so it runs in the caller's context before any queue.
 * It is read here and sent nowhere.
 */
export function requestMetrics(metrics: BatonMetrics) {
  return (octokit: Octokit, options: { auth?: unknown }) => {
    const installation = String(
      (options.auth as { installationId?: number } | undefined)?.installationId ?? 'app',
    );
    octokit.hook.wrap('request', async (request, endpoint) => {
      const { method = 'GET', url = '' } = endpoint as RequestOptions;
      const route = `${method} ${routeOf(url)}`;
      const reason = requestReason() ?? 'none';
      const record = (answer: RequestAnswer | undefined, status: string) => {
        metrics.githubRequests.inc({ route, status, reason });
        const remaining = Number(answer?.headers?.['x-ratelimit-remaining']);
        if (Number.isFinite(remaining)) metrics.rateLimitRemaining.set({ installation }, remaining);
      };
      try {
        const answer = await request(endpoint);
        record(answer as RequestAnswer, String(answer.status));
        return answer;
      } catch (error) {
        const failed = error as { status?: number; response?: RequestAnswer };
        record(failed.response, String(failed.status ?? 'error'));
        throw error;
      }
    });
  };
}

/**
 * The route template of a request's URL. Octokit passes a template
 * (`/repos/{owner}/{repo}`) except for absolute URLs (a next page, GraphQL):
 * those lose their origin and API prefix, and names and numbers become
 * placeholders, so no repository or id ends up in a label.
 */
export function routeOf(url: string): string {
  const path = url.split('?')[0] ?? '';
  if (!/^https?:\/\//.test(path)) return path;
  return new URL(path).pathname
    .replace(/^\/api\/v3(?=\/)/, '')
    .replace(/^\/api(?=\/graphql$)/, '')
    .replace(/^\/repos\/[^/]+\/[^/]+/, '/repos/{owner}/{repo}')
    .replace(/\/\d+(?=\/|$)/g, '/{id}');
}
