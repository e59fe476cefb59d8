#!/usr/bin/env node
// First, before anything else runs: an older Node is refused in one line.
import './refuse-old-node.js';
import { type Probot, run } from 'probot';
import type { BuildQueue } from './github/client/build-queue.js';
import { readGitHubKind, unsupportedGitHub } from './github/client/github-kind.js';
import { batonOctokitWith } from './github/client/octokit.js';
import { warnSourceDrift } from './github/setup/checkout-state.js';
import { createStoreFromEnv } from './github/store/store-from-env.js';
import { createBaton } from './index.js';
import { createLog } from './server/log.js';
import { createMetrics, requestMetrics } from './server/metrics.js';
import { shutDown, shutdownGraceMs } from './server/shutdown.js';
import { readStartEnv } from './server/start-env.js';
import { startWebhookProxy } from './server/webhook-proxy.js';
import { auditStreamFromEnv } from './telemetry/audit-stream.js';
import { createTelemetry, joinTelemetry } from './telemetry/telemetry.js';

/**
 * `npm start`: Probot's runner with Baton's Octokit (bounded rate-limit
 * retries). With no APP_ID and PRIVATE_KEY it serves Probot's setup page,
 * which registers the app from app.yml. Its logger is Probot's with secrets
 * redacted and a bad webhook signature told in one line. On SIGTERM it stops taking webhooks,
 * gives the reconciles in flight BATON_SHUTDOWN_SECONDS, and exits 0.
 * `PRIVATE_KEY` may come quoted and `\n`-escaped (`docker run --env-file` with
 * the `.env` Probot's setup writes), and a `WEBHOOK_PROXY_URL` channel that
 * cannot be reached is logged and tried again, never the end of the process.
 */
let loaded: { app: Probot; queue: BuildQueue } | undefined;
let stopping = false;
const metrics = createMetrics();
const start = readStartEnv(process.env, process.cwd());
const log = await createLog(start.env);
warnSourceDrift(start.env, log);
// What replicas share: Redis when REDIS_URL is set, else this process alone (docs/deploy.md).
const store = createStoreFromEnv(start.env, log);
// Traces and metrics where an OTLP endpoint is set (docs/governance.md, "Traces"); else nothing is loaded.
// The SDK's exporter reads its settings from the process's environment, so `.env`'s go there too.
for (const [name, value] of Object.entries(start.env))
  if (name.startsWith('OTEL_')) process.env[name] = value;
// The audit trail streamed where BATON_AUDIT_STREAM is set: heard where the traces are.
const telemetry = joinTelemetry([
  await createTelemetry(start.env, { log, registry: metrics.registry }),
  auditStreamFromEnv(start.env, { log }),
]);
// Probot is not handed REDIS_URL: its throttle's Redis limiter would space every GraphQL query a
// second apart across replicas; the store paces each kind of request by GitHub's own rule.
const { REDIS_URL: _shared, ...probotEnv } = start.env;
const server = await run(
  createBaton({
    onLoad: (app, queue) => {
      loaded = { app, queue };
    },
    stopping: () => stopping,
    metrics,
    store,
    telemetry,
  }),
  { Octokit: batonOctokitWith(store.pacing).plugin(requestMetrics(metrics)), log, env: probotEnv },
);
// Only github.com runs Baton's sessions (docs/github-versions.md): refuse to start on Enterprise Server.
if (loaded) {
  const { app } = loaded;
  const apiUrl = await app.auth().then(
    (octokit) => String(octokit.request.endpoint.DEFAULTS.baseUrl),
    () => 'https://api.github.com',
  );
  const kind = await readGitHubKind(apiUrl);
  const unsupported = kind && unsupportedGitHub(kind);
  if (!kind) app.log.warn('baton: GET /meta failed; could not tell which GitHub this is');
  if (unsupported) {
    app.log.fatal(`baton: ${unsupported}`);
    await server.stop();
    process.exit(1);
  }
}
const proxy = start.webhookProxyUrl
  ? startWebhookProxy({
      source: start.webhookProxyUrl,
      target: `http://${server.host}:${server.port}${start.env.WEBHOOK_PATH || '/api/github/webhooks'}`,
      log: { info: (message) => log.info(message), warn: (message) => log.warn(message) },
    })
  : undefined;
process.once('SIGTERM', () => {
  stopping = true;
  const log = loaded?.app.log;
  void shutDown({
    stopServer: () => {
      proxy?.stop();
      return server.stop();
    },
    idle: () =>
      (loaded?.queue.idle() ?? Promise.resolve()).then(async () => {
        await Promise.all([store.close(), telemetry.shutdown()]);
      }),
    graceMs: shutdownGraceMs(process.env),
    log: {
      info: (message) => (log ? log.info(message) : console.info(message)),
      warn: (message) => (log ? log.warn(message) : console.warn(message)),
    },
  }).then(() => process.exit(0));
});
