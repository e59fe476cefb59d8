import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import examples from '@octokit/webhooks-examples';
import type { ApplicationFunction, Probot } from 'probot';
import { tsxArgs } from '../sim/actions/run-step.js';
import { installBaton, MAINTAINER, SIM_BATON_SOURCE } from '../sim/e2e.js';
import { FakeGitHub } from '../sim/github/fake-github.js';
import { REST_REQUESTS_PER_HOUR, RestBudget } from '../sim/github/rest-limit.js';
import { type GitHubServer, startGitHubServer } from '../sim/server/github-server.js';
import { signBody } from '../sim/server/webhooks.js';
import { freePort, startAppProcess, stopProcess } from '../sim/start-app.js';
import { buildIdFor, integrationBranch, workerBranch } from '../src/core/vocabulary/ids.js';
import {
  type InRunReview,
  playSessionJobs,
  runQueuedSessions,
} from '../test/support/scripted-sessions.js';

/**
 * Webhook handling on loopback, Baton beside a no-op Probot app.
 *
 * The simulated GitHub (sim/server, over HTTP) holds one build in progress,
 * brought there by Baton itself through the simulator's webhooks: plan
 * approved, W1.1's pull request open with its run reviewing it, W2.1
 * waiting for W1.1. Each app is its own process, started as `npm start`
 * starts Probot (`run()` with the standard variables), both with the same
 * Octokit: Baton's, throttling off. Separate processes keep each app's event
 * loop apart from the simulator and the load generator, as in production.
 * The no-op app answers the same event by starting one `issues.get` without
 * awaiting it, as Baton answers before its reconcile runs, so "first API
 * call" means the same for both. A Probot app with no handler at all gives
 * the framework's own ceiling for throughput.
 *
 * The event: `pull_request.synchronize` of W1.1's pull request, GitHub's own
 * example payload (@octokit/webhooks-examples, ~24 KB) aimed at the build,
 * signed with X-Hub-Signature-256. Latency: one delivery at a time, each
 * after the app's requests for the previous one, from sending it to the first
 * request the simulated GitHub routes for it. Throughput: `events` deliveries,
 * `concurrency` at a time, answered 2xx per second: after a warm-up burst,
 * `rounds` rounds with the apps in turn, the median round reported.
 * Baton coalesces reconciles per build, so under load it makes far fewer API
 * calls than there are events.
 *
 * With throttling on, as `npm start` runs, writes of an installation wait a
 * second after the one before, while the GraphQL query a reconcile starts
 * with is budgeted by points and REST reads are not paced (src/github/
 * request-pacer.ts); that latency is measured apart, on the real app process
 * (sim/start-app.ts), back to back, with a few samples.
 */
export interface WebhookReport {
  event: string;
  bytes: number;
  concurrency: number;
  /** Deliveries per round, and rounds per app (taken in turn, app after app). */
  events: number;
  rounds: number;
  throughput: Record<AppKind, Throughput>;
  /** Deliveries timed one at a time, per app. */
  samples: number;
  latency: Record<'baton' | 'noop', Latency>;
  /** Baton as `npm start` runs it (throttling on), back to back. */
  throttled: { samples: number; p50Ms: number; maxMs: number };
  /** API requests the simulated GitHub answered with an error status (0 for a valid run). */
  failedCalls: number;
}

export interface Throughput {
  /** The median round's deliveries answered 2xx per second. */
  perSecond: number;
  rounds: number[];
  accepted: number;
  sent: number;
  /** API requests per delivery under load. */
  callsPerEvent: number;
}

export interface Latency {
  /** Milliseconds from sending a delivery to its first API request. */
  p50Ms: number;
  p99Ms: number;
  /** API requests per delivery, one at a time. */
  callsPerEvent: number;
}

/** When the simulated GitHub began answering each request (performance.now()), and how many failed. */
interface Probe {
  at: number[];
  failed: number;
}

type Send = () => Promise<number>;
/** Baton; the no-op app (one API call); a Probot app with no handler (the framework's ceiling). */
type AppKind = 'baton' | 'noop' | 'bare';
const APPS: AppKind[] = ['baton', 'noop', 'bare'];

const SECRET = 'bench-webhook-secret';
const ISSUE_TITLE = 'Add a greeting';
const UNUSED_ISSUER = 'http://127.0.0.1:9/unused';

export async function measureWebhooks({
  samples = 300,
  events = 2_000,
  rounds = 3,
  concurrency = 20,
  throttledSamples = 10,
} = {}): Promise<WebhookReport> {
  // On GitHub each app is its own installation with its own 5,000 requests an hour; here the
  // three share the simulator's one, so it gets the three's: the no-op app's one request a
  // delivery must not spend Baton's hour (which it did, refusing Baton's reads).
  const gh = new FakeGitHub({
    restBudget: new RestBudget({ limit: APPS.length * REST_REQUESTS_PER_HOUR }),
  });
  installBaton(gh);
  const probe = stampRequests(gh);
  const port = await freePort();
  const server = await startGitHubServer({
    gh,
    appWebhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
    webhookSecret: SECRET,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const served: { stop(): Promise<void> }[] = [];
  const start = async (app: AppKind, appPort?: number) => {
    const started = await serveApp({
      app,
      port: appPort ?? (await freePort()),
      gheHost: server.host,
    });
    served.push(started);
    return started;
  };
  try {
    const baton = await start('baton', port);
    const body = await holdBuild({ gh, server, probe });
    const urls = {
      baton: baton.webhookUrl,
      noop: (await start('noop')).webhookUrl,
      bare: (await start('bare')).webhookUrl,
    };
    const sends = (app: AppKind) => sender({ url: urls[app], body, agent });
    const latency = {
      baton: withoutValues(await latencies({ send: sends('baton'), probe, samples, warm: 20 })),
      noop: withoutValues(await latencies({ send: sends('noop'), probe, samples, warm: 20 })),
    };
    const throughput = await throughputs({ sends, probe, events, rounds, concurrency });
    const throttled = await measureThrottled({ server, probe, body, agent, throttledSamples });
    return {
      event: 'pull_request.synchronize',
      bytes: Buffer.byteLength(body),
      concurrency,
      events,
      rounds,
      throughput,
      samples,
      latency,
      throttled,
      failedCalls: probe.failed,
    };
  } finally {
    for (const app of served) await app.stop();
    agent.destroy();
    await server.close();
  }
}

function stampRequests(gh: FakeGitHub): Probe {
  const probe: Probe = { at: [], failed: 0 };
  const handle = gh.handle.bind(gh);
  gh.handle = (apiRequest) => {
    probe.at.push(performance.now());
    const response = handle(apiRequest);
    if (response.status >= 400) probe.failed++;
    return response;
  };
  return probe;
}

/**
 * Label, plan, /approve, W1.1's work and CI, each session played as its
 * publish job would (no model), W1.1's run then left reviewing the pull
 * request it opened (its review jobs, never done here). Answers the body of
 * W1.1's `pull_request.synchronize`.
 */
async function holdBuild({
  gh,
  server,
  probe,
}: {
  gh: FakeGitHub;
  server: GitHubServer;
  probe: Probe;
}): Promise<string> {
  const issue = gh.openIssue({ title: ISSUE_TITLE, user: MAINTAINER, labels: ['orchestrate'] });
  const build = buildIdFor(issue, ISSUE_TITLE);
  const script = { build, issue, workers: [{ id: 'W1.1' }, { id: 'W2.1', depends_on: ['W1.1'] }] };
  let reviewing: InRunReview | null = null;
  const steps = [
    () => gh.events.labeled(issue, 'orchestrate', MAINTAINER),
    () => runQueuedSessions(gh, script),
    () => gh.addComment({ issue, body: '/approve', user: MAINTAINER }),
    () => {
      for (const run of gh.runs.filter((r) => r.status === 'queued'))
        reviewing = playSessionJobs(gh, script, run) ?? reviewing;
    },
  ];
  for (const step of steps) {
    step();
    await server.idle();
    await quiet(probe, { quietMs: 300, timeoutMs: 20_000 });
  }
  const pull = [...gh.pulls.values()].find((p) => p.state === 'open');
  if (!reviewing || !pull) {
    const runs = gh.runs.map((run) => `${run.displayTitle} ${run.status}`).join('\n');
    throw new Error(`the build did not reach W1.1's review; its runs:\n${runs}`);
  }
  return JSON.stringify(synchronizePayload({ gh, build, number: pull.number }));
}

/** Resolves once no request has come for `quietMs` (or after `timeoutMs`). */
async function quiet(
  probe: Probe,
  { quietMs, timeoutMs }: { quietMs: number; timeoutMs: number },
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let count = -1;
  while (count !== probe.at.length && performance.now() < deadline) {
    count = probe.at.length;
    await sleep(quietMs);
  }
}

/** GitHub's own `pull_request.synchronize` example, aimed at W1.1's pull request. */
function synchronizePayload({
  gh,
  build,
  number,
}: {
  gh: FakeGitHub;
  build: string;
  number: number;
}): Record<string, unknown> {
  type Example = { name: string; examples: Record<string, unknown>[] };
  const example = (examples as unknown as Example[])
    .find((group) => group.name === 'pull_request')
    ?.examples.find((e) => e.action === 'synchronize');
  if (!example) throw new Error('@octokit/webhooks-examples has no pull_request.synchronize');
  type Ref = Record<string, unknown>;
  const payload = structuredClone(example) as {
    pull_request: Ref & { head: Ref; base: Ref };
    repository: Ref;
  };
  const head = workerBranch(build, 'W1.1');
  Object.assign(payload.pull_request, { number });
  Object.assign(payload.pull_request.head, { ref: head, sha: gh.git.resolve(head) });
  Object.assign(payload.pull_request.base, { ref: integrationBranch(build) });
  Object.assign(payload.repository, {
    name: gh.repo,
    full_name: gh.fullName,
    default_branch: gh.defaultBranch,
    owner: { ...(payload.repository.owner as object), login: gh.owner },
  });
  return { ...payload, number, installation: { id: 1 } };
}

/** Posts the body as one signed delivery; answers the HTTP status (0 for a network error). */
function sender({ url, body, agent }: { url: string; body: string; agent: Agent }): Send {
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/bench',
    'x-github-event': 'pull_request',
    'x-github-hook-id': '1',
    ...signBody(body, SECRET),
  };
  return () =>
    new Promise<number>((resolve) => {
      const delivery = { ...headers, 'x-github-delivery': randomUUID() };
      const req = request(url, { method: 'POST', agent, headers: delivery }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.setTimeout(10_000, () => req.destroy());
      req.on('error', () => resolve(0));
      req.end(body);
    });
}

/** Rounds of `events` deliveries, the apps in turn, so that a busier moment of the machine hits them all. */
async function throughputs({
  sends,
  probe,
  events,
  rounds,
  concurrency,
}: {
  sends: (app: AppKind) => Send;
  probe: Probe;
  events: number;
  rounds: number;
  concurrency: number;
}): Promise<Record<AppKind, Throughput>> {
  const loads = new Map<AppKind, Load[]>(APPS.map((app) => [app, []]));
  for (const app of APPS) await underLoad({ send: sends(app), probe, events: 200, concurrency });
  for (let round = 0; round < rounds; round++) {
    for (const app of APPS) {
      loads.get(app)?.push(await underLoad({ send: sends(app), probe, events, concurrency }));
    }
  }
  const summary = (all: Load[]): Throughput => {
    const rates = all.map((load) => load.perSecond);
    return {
      perSecond: percentile(rates, 0.5),
      rounds: rates,
      accepted: all.reduce((sum, load) => sum + load.accepted, 0),
      sent: all.length * events,
      callsPerEvent: all.reduce((sum, load) => sum + load.calls, 0) / (all.length * events),
    };
  };
  return {
    baton: summary(loads.get('baton') ?? []),
    noop: summary(loads.get('noop') ?? []),
    bare: summary(loads.get('bare') ?? []),
  };
}

/**
 * Warms the app up (installation token, bot login, JIT), learns how many
 * requests one delivery leads to, then times `samples` deliveries one at a time.
 */
async function latencies({
  send,
  probe,
  samples,
  warm,
}: {
  send: Send;
  probe: Probe;
  samples: number;
  warm: number;
}): Promise<Latency & { values: number[] }> {
  for (let i = 0; i < 2; i++) await oneAtATime({ send, probe, expected: 0 });
  const learning = probe.at.length;
  await oneAtATime({ send, probe, expected: 0 });
  const expected = probe.at.length - learning;
  for (let i = 0; i < warm; i++) await oneAtATime({ send, probe, expected });
  const from = probe.at.length;
  const values: number[] = [];
  for (let i = 0; i < samples; i++) values.push(await oneAtATime({ send, probe, expected }));
  return {
    values,
    p50Ms: percentile(values, 0.5),
    p99Ms: percentile(values, 0.99),
    callsPerEvent: (probe.at.length - from) / samples,
  };
}

/**
 * One delivery; answers the milliseconds to its first API request. Returns
 * once the app made `expected` requests for it (with 0: went quiet for 300 ms).
 */
async function oneAtATime({
  send,
  probe,
  expected,
}: {
  send: Send;
  probe: Probe;
  expected: number;
}): Promise<number> {
  const from = probe.at.length;
  const sent = performance.now();
  const status = await send();
  if (status < 200 || status >= 300) throw new Error(`a delivery was answered ${status}`);
  const deadline = sent + 5_000;
  while (probe.at.length < from + Math.max(1, expected) && performance.now() < deadline) {
    await sleep(1);
  }
  const first = probe.at[from];
  if (first === undefined) throw new Error('a delivery led to no API request within 5 s');
  if (expected === 0) await quiet(probe, { quietMs: 300, timeoutMs: 5_000 });
  return first - sent;
}

/** One round: deliveries per second answered 2xx, and the API requests that followed. */
interface Load {
  perSecond: number;
  accepted: number;
  calls: number;
}

async function underLoad({
  send,
  probe,
  events,
  concurrency,
}: {
  send: Send;
  probe: Probe;
  events: number;
  concurrency: number;
}): Promise<Load> {
  const from = probe.at.length;
  let started = 0;
  let accepted = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (started < events) {
      started++;
      const status = await send();
      if (status >= 200 && status < 300) accepted++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  // The app's requests go on after the answers; count them once it is quiet.
  await quiet(probe, { quietMs: 500, timeoutMs: 30_000 });
  return {
    perSecond: accepted / seconds,
    accepted,
    calls: probe.at.length - from,
  };
}

/** Baton as `npm start` runs it (src/main.ts, throttling on), one delivery at a time. */
async function measureThrottled({
  server,
  probe,
  body,
  agent,
  throttledSamples,
}: {
  server: GitHubServer;
  probe: Probe;
  body: string;
  agent: Agent;
  throttledSamples: number;
}): Promise<WebhookReport['throttled']> {
  const app = await startAppProcess({
    gheHost: server.host,
    webhookSecret: SECRET,
    oidcIssuer: UNUSED_ISSUER,
    env: sourceEnv(),
  });
  try {
    const send = sender({ url: app.webhookUrl, body, agent });
    const { values, p50Ms } = await latencies({ send, probe, samples: throttledSamples, warm: 0 });
    return { samples: throttledSamples, p50Ms, maxMs: Math.max(...values) };
  } finally {
    await app.stop();
  }
}

function withoutValues({ p50Ms, p99Ms, callsPerEvent }: Latency): Latency {
  return { p50Ms, p99Ms, callsPerEvent };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The simulator's pinned source, so onboarding finds nothing to change. */
function sourceEnv(): Record<string, string> {
  return {
    BATON_SOURCE_REPOSITORY: SIM_BATON_SOURCE.repository,
    BATON_SOURCE_REF: SIM_BATON_SOURCE.ref,
  };
}

/** An app process: this file with `--serve baton|noop|bare`, under Probot's standard variables. */
async function serveApp({
  app,
  port,
  gheHost,
}: {
  app: AppKind;
  port: number;
  gheHost: string;
}): Promise<{ webhookUrl: string; stop(): Promise<void> }> {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LOG_LEVEL: 'warn',
    APP_ID: '1',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    HOST: '127.0.0.1',
    PORT: String(port),
    GHE_HOST: gheHost,
    GHE_PROTOCOL: 'http',
    BATON_RESYNC_MINUTES: '0',
    BATON_OIDC_ISSUER: UNUSED_ISSUER,
    ...sourceEnv(),
  };
  const args = [...tsxArgs('bench/webhooks.ts'), '--serve', app];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(child);
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
    if (child.exitCode !== null) break;
    const pong = await fetch(`${url}/ping`).then(
      (response) => response.ok,
      () => false,
    );
    if (pong) return { webhookUrl: `${url}/api/github/webhooks`, stop };
  }
  await stop();
  throw new Error(`the ${app} app did not start:\n${Buffer.concat(stderr).toString('utf8')}`);
}

/** The no-op app: on the same event, one API call, started as the answer goes out. */
function noopApp(app: Probot): void {
  app.on('pull_request.synchronize', (context) => {
    context.octokit.rest.issues
      .get(context.issue())
      .catch((err: unknown) => app.log.warn({ err }, 'noop: issues.get failed'));
  });
}

/** `--serve`: Probot's `run()`, as `npm start` does, with Baton's Octokit, throttling off. */
async function serve(app: string | undefined): Promise<void> {
  const { run } = await import('probot');
  const { BatonOctokit } = await import('../src/github/client/octokit.js');
  const { createBaton } = await import('../src/index.js');
  const Octokit = BatonOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    throttle: { ...(options.throttle as object), enabled: false },
  }));
  const apps: Record<AppKind, ApplicationFunction> = {
    baton: createBaton(),
    noop: noopApp,
    bare: () => undefined,
  };
  const appFn = apps[(app ?? '') as AppKind];
  if (!appFn) throw new Error(`--serve takes baton, noop or bare, not ${app}`);
  await run(appFn, { Octokit });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--serve') await serve(process.argv[3]);
  else {
    const report = await measureWebhooks();
    console.log(JSON.stringify(report, null, process.argv.includes('--json') ? 0 : 2));
  }
}
