#!/usr/bin/env node
import { type Probot, run } from 'probot';
import type { BuildQueue } from './github/build-queue.js';
import { readGitHubKind, unsupportedGitHub } from './github/github-kind.js';
import { BatonOctokit } from './github/octokit.js';
import { createBaton } from './index.js';
import { createLog } from './server/log.js';
import { createMetrics, requestMetrics } from './server/metrics.js';
import { shutDown, shutdownGraceMs } from './server/shutdown.js';

/**
 * `npm start`: Probot's runner with Baton's Octokit (bounded rate-limit
 * retries). With no APP_ID and PRIVATE_KEY it serves Probot's setup page,
 * which registers the app from app.yml. Its logger is Probot's with secrets
 * redacted and a bad webhook signature told in one line. On SIGTERM it stops taking webhooks,
 * gives the reconciles in flight BATON_SHUTDOWN_SECONDS, and exits 0.
 */
let loaded: { app: Probot; queue: BuildQueue } | undefined;
let stopping = false;
const metrics = createMetrics();
const server = await run(
  createBaton({
    onLoad: (app, queue) => {
      loaded = { app, queue };
    },
    stopping: () => stopping,
    metrics,
  }),
  { Octokit: BatonOctokit.plugin(requestMetrics(metrics)), log: await createLog(process.env) },
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
process.once('SIGTERM', () => {
  stopping = true;
  const log = loaded?.app.log;
  void shutDown({
    stopServer: () => server.stop(),
    idle: () => loaded?.queue.idle() ?? Promise.resolve(),
    graceMs: shutdownGraceMs(process.env),
    log: {
      info: (message) => (log ? log.info(message) : console.info(message)),
      warn: (message) => (log ? log.warn(message) : console.warn(message)),
    },
  }).then(() => process.exit(0));
});
