import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Octokit } from '@octokit/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Handler } from './session-token.js';

export const METRICS_ROUTE = '/metrics';

/** Baton's Prometheus metrics, on a registry of its own. */
export interface BatonMetrics {
  registry: Registry;
  webhooks: Counter<'event' | 'outcome'>;
  reconciles: Histogram<'outcome'>;
  githubRequests: Counter<'route' | 'status'>;
  rateLimitRemaining: Gauge<'installation'>;
}

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
      help: 'Requests to GitHub, by route template and status.',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    rateLimitRemaining: new Gauge({
      name: 'baton_github_rate_limit_remaining',
      help: 'x-ratelimit-remaining of the last answer, by installation (app: the app JWT).',
      labelNames: ['installation'],
      registers: [registry],
    }),
  };
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
 * the expanded URL: no ids, no tokens) and status, and keeps the rate limit
 * GitHub reports per installation.
 */
export function requestMetrics(metrics: BatonMetrics) {
  return (octokit: Octokit, options: { auth?: unknown }) => {
    const installation = String(
      (options.auth as { installationId?: number } | undefined)?.installationId ?? 'app',
    );
    octokit.hook.wrap('request', async (request, endpoint) => {
      const { method = 'GET', url = '' } = endpoint as RequestOptions;
      const route = `${method} ${routeOf(url)}`;
      const record = (answer: RequestAnswer | undefined, status: string) => {
        metrics.githubRequests.inc({ route, status });
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
