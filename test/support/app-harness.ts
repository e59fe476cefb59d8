import examples from '@octokit/webhooks-examples' with { type: 'json' };
import nock from 'nock';
import type { Logger } from 'pino';
import { Probot } from 'probot';
import { vi } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimRun } from '../../sim/github/records.js';
import { runBody } from '../../sim/github/run-body.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { StatusPacer } from '../../src/github/act/status-pacer.js';
import { BuildQueue } from '../../src/github/client/build-queue.js';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import type { WriteBudget } from '../../src/github/client/pacing/write-budget.js';
import type { SoloProcess } from '../../src/github/client/solo-process.js';
import type { LastReads } from '../../src/github/reconcile/pass/last-reads.js';
import type { RecentReconciles } from '../../src/github/reconcile/queue/recent-reconciles.js';
import { createLookSchedule, type LookSchedule } from '../../src/github/store/look-schedule.js';
import type { BatonStore } from '../../src/github/store/store.js';
import { createBaton } from '../../src/index.js';
import type { BuildBoard } from '../../src/page/build-board.js';
import { forgetAll } from '../../src/process-memory.js';
import type { Handler } from '../../src/server/session-token.js';
import type { TrackerSettings } from '../../src/server/trackers/tracker-settings.js';
import type { Telemetry } from '../../src/telemetry/telemetry.js';
import { TEST_PRIVATE_KEY as privateKey } from './app-key.js';
import { mountOnNock } from './mount-nock.js';

/** The commit of the release an app under test runs, unless a test sets `BATON_SOURCE_REF`. */
const TEST_RELEASE_COMMIT = 'ba7c0'.repeat(8);

export interface AppHarness {
  probot: Probot;
  errors: unknown[];
  /** What the app serves beside webhooks (the trackers' endpoints, where `trackers` is given). */
  handlers: Handler[];
  /** Delivers one webhook and waits until the reconciles it queued are done. */
  deliver(name: string, payload: object): Promise<void>;
  /** Delivers one webhook under a delivery id of the test's (one delivery sent to several replicas). */
  deliverAs(id: string, name: string, payload: object): Promise<void>;
  /** Delivers webhooks all at once, as GitHub does in a burst, then waits for the reconciles. */
  deliverAll(events: { name: string; payload: object }[]): Promise<void>;
  /** Waits until every queued reconcile is done (one a trailing status timer queued, say). */
  idle(): Promise<void>;
  stop(): void;
}

/**
 * A real Baton app (Probot, handlers, reconciler) against the simulated GitHub
 * on nock: retries and throttling off, no network, the clock fixed.
 */
export async function startApp({
  gh,
  now,
  log,
  ...pacing
}: {
  gh: FakeGitHub;
  now: () => string;
  /** The app's logger (`captureLog` in captured-log.ts); default Probot's at TEST_LOG_LEVEL or fatal. */
  log?: Logger;
} & StatusPacing): Promise<AppHarness> {
  nock.disableNetConnect();
  // A new simulated GitHub: the app starts knowing nothing of it, as a new process would.
  forgetAll();
  const scope = mountOnNock(installationServed(gh));
  const app = await startReplica({ now, ...(log ? { log } : {}), ...pacing });
  return {
    ...app,
    stop() {
      scope.persist(false);
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

/**
 * What serves a request on nock: `gh`, or, where it has peers, the
 * installation's repository its path names (`gh.installationPeers` answer
 * requests under their path; any other request is `gh`'s).
 */
export function installationServed(
  gh: FakeGitHub,
): FakeGitHub | ((path: string, body: unknown) => FakeGitHub) {
  const served = [gh, ...gh.installationPeers];
  return served.length === 1
    ? gh
    : (path, body) => served.find((one) => servesRequest(one, path, body)) ?? gh;
}

/**
 * Whether a request is one repository's of several: its REST path names it, or a GraphQL
 * query's `owner`/`repo` variables do (a query that names none goes to the first).
 */
function servesRequest(gh: FakeGitHub, path: string, body: unknown): boolean {
  if (path === '/graphql') {
    const variables = (body as { variables?: { owner?: string; repo?: string } } | null)?.variables;
    return `${variables?.owner}/${variables?.repo}`.toLowerCase() === gh.fullName.toLowerCase();
  }
  return `${path}/`.toLowerCase().startsWith(`/repos/${gh.fullName.toLowerCase()}/`);
}

/**
 * One more Baton app process (its own Probot and build queue) on the simulated
 * GitHub that `startApp` mounted: two replicas behind one webhook URL.
 */
/** Status edits at once unless a test (or the bench) asks for pacing. */
interface StatusPacing {
  statusEditSeconds?: number;
  statusPacer?: StatusPacer;
  /** A write budget the test fills and clocks (none: the app's clients, unthrottled here, keep none). */
  writeBudget?: WriteBudget;
  /** When builds were last read whole, on the test's clock (the resync's pass-over). */
  recentReconciles?: RecentReconciles;
  /** What the app last read of each build (the resync's look at the runs). */
  lastReads?: LastReads;
  /** The installation's daily cap, as `BATON_INSTALLATION_DAILY_USD` sets it (none unless given). */
  installationDailyUsd?: number;
  /** The app's retry policy on, as in production (its waits of a millisecond); off unless given. */
  retries?: boolean;
  /** When builds are looked at again without an event (`manualLooks`); none unless given: no look fires. */
  looks?: LookSchedule;
  /** What replicas share (a Redis store); none: this app alone. */
  store?: BatonStore;
  /** The builds as the app's reconciles last read them (what the page shows). */
  board?: BuildBoard;
  /** How the app dispatches beside processes it shares no store with (a clock, deadlines); its own unless given. */
  solo?: SoloProcess;
  /** The app's build queue (one that drops its work plays a process stopped before its reconciles ran); its own unless given. */
  queue?: BuildQueue;
  /** The tracker doors' settings (none unless given: no tracker's endpoint). */
  trackers?: TrackerSettings;
  /** The app's traces (`createTelemetry`); none unless given. */
  telemetry?: Telemetry;
}

export async function startReplica({
  now,
  log,
  statusEditSeconds = 0,
  statusPacer,
  writeBudget,
  recentReconciles,
  lastReads,
  installationDailyUsd,
  retries = false,
  looks = createLookSchedule({ setTimer: () => () => {} }),
  store,
  board,
  solo,
  queue: givenQueue,
  trackers,
  telemetry,
}: {
  now: () => string;
  log?: Logger;
} & StatusPacing): Promise<AppHarness> {
  const errors: unknown[] = [];
  const handlers: Handler[] = [];
  const queue = givenQueue ?? new BuildQueue((error) => errors.push(error));
  // The app pins its release tag's commit, which a clone without tags lacks: an app under
  // test runs a release, so it is given one unless the test sets its own (onboarding tests).
  // The bench (`npm run bench`) runs this harness outside vitest, where only the process's own env exists.
  if (!process.env.BATON_SOURCE_REF) {
    if (process.env.VITEST) vi.stubEnv('BATON_SOURCE_REF', TEST_RELEASE_COMMIT);
    else process.env.BATON_SOURCE_REF = TEST_RELEASE_COMMIT;
  }
  const probot = new Probot({
    appId: 1,
    privateKey,
    Octokit: testOctokit({ retries }),
    ...(log
      ? { log }
      : { logLevel: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'fatal' }),
  });
  await probot.load(
    createBaton({
      now,
      queue,
      resyncMinutes: 0,
      serveTokenEndpoint: false,
      statusEditSeconds,
      ...(statusPacer ? { statusPacer } : {}),
      ...(writeBudget ? { writeBudget } : {}),
      ...(recentReconciles ? { recentReconciles } : {}),
      ...(lastReads ? { lastReads } : {}),
      installationDailyUsd: installationDailyUsd ?? null,
      looks,
      ...(store ? { store } : {}),
      ...(board ? { board } : {}),
      ...(solo ? { solo } : {}),
      ...(trackers ? { trackers } : {}),
      ...(telemetry ? { telemetry } : {}),
    }),
    { cwd: process.cwd(), addHandler: (handler: Handler) => handlers.push(handler) },
  );
  let delivery = 0;
  async function deliverAll(events: { name: string; payload: object }[]): Promise<void> {
    await Promise.all(
      events.map(({ name, payload }) =>
        probot.receive({ id: `delivery-${++delivery}`, name, payload } as Parameters<
          Probot['receive']
        >[0]),
      ),
    );
    await queue.idle();
  }
  return {
    probot,
    errors,
    handlers,
    deliver: (name, payload) => deliverAll([{ name, payload }]),
    async deliverAs(id, name, payload) {
      await probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0]);
      await queue.idle();
    },
    deliverAll,
    idle: () => queue.idle(),
    stop() {},
  };
}

/**
 * Throttling off, and retries unless `retries` (the app's policy, waits of a millisecond).
 * Object defaults would be overridden by the throttle options Probot passes each
 * instance, so a function sets them last.
 */
export function testOctokit({ retries = false }: { retries?: boolean } = {}) {
  return BatonOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    retry: retries ? { retryAfterBaseValue: 1 } : { enabled: false },
    throttle: { ...(options.throttle as object), enabled: false },
  }));
}

type Example = { name: string; examples: Record<string, unknown>[] };

/** A real GitHub payload from `@octokit/webhooks-examples`, aimed at the simulated repository. */
export function examplePayload(
  gh: FakeGitHub,
  {
    event,
    action,
    overrides,
  }: { event: string; action: string; overrides: Record<string, unknown> },
): Record<string, unknown> {
  const group = (examples as unknown as Example[]).find((e) => e.name === event);
  const example = group?.examples.find((e) => (e.action ?? '') === action);
  if (!example) throw new Error(`no example for ${event}.${action}`);
  const payload = structuredClone(example);
  const repository = payload.repository as Record<string, unknown>;
  Object.assign(repository, {
    name: gh.repo,
    full_name: gh.fullName,
    default_branch: gh.defaultBranch,
    owner: { ...(repository.owner as object), login: gh.owner },
  });
  return {
    ...payload,
    installation: { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' },
    ...overrides,
  };
}

/** `issues.labeled` for an issue of the simulated repository: the build label, by the maintainer, unless told. */
export function labeledPayload(
  gh: FakeGitHub,
  {
    issue,
    label = 'orchestrate',
    sender = 'maintainer',
  }: { issue: number; label?: string; sender?: string },
) {
  const base = examplePayload(gh, { event: 'issues', action: 'labeled', overrides: {} });
  const simIssue = gh.issues.get(issue);
  if (!simIssue) throw new Error(`no issue ${issue}`);
  return {
    ...base,
    issue: {
      ...(base.issue as object),
      number: issue,
      title: simIssue.title,
      labels: simIssue.labels.map((name) => ({ name })),
    },
    label: { ...(base.label as object), name: label },
    sender: {
      ...(base.sender as object),
      login: sender,
      type: sender.endsWith('[bot]') ? 'Bot' : 'User',
    },
  };
}

/** An issue "Add OAuth login" opened with the build label, its `labeled` event delivered to `app`; answers its number. */
export async function deliverLabelledIssue(app: AppHarness, gh: FakeGitHub): Promise<number> {
  const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
  await app.deliver('issues', labeledPayload(gh, { issue }));
  return issue;
}

/** `issue_comment.created` for a comment already added to the simulated repository. */
export function commentPayload(gh: FakeGitHub, { commentId }: { commentId: number }) {
  const comment = gh.comments.find((c) => c.id === commentId);
  if (!comment) throw new Error(`no comment ${commentId}`);
  const issue = gh.issues.get(comment.issue);
  if (!issue) throw new Error(`no issue ${comment.issue}`);
  const base = examplePayload(gh, { event: 'issue_comment', action: 'created', overrides: {} });
  const baseIssue = { ...(base.issue as Record<string, unknown>) };
  delete baseIssue.pull_request;
  return {
    ...base,
    issue: {
      ...baseIssue,
      number: issue.number,
      title: issue.title,
      ...(issue.pull ? { pull_request: { url: '' } } : {}),
    },
    comment: {
      ...(base.comment as object),
      id: comment.id,
      body: comment.body,
      user: { login: comment.user.login, type: comment.user.type },
    },
    sender: { ...(base.sender as object), login: comment.user.login, type: comment.user.type },
  };
}

/** `push` of a branch of the simulated repository, at its current head. */
export function pushPayload(gh: FakeGitHub, { branch }: { branch: string }) {
  const base = examplePayload(gh, { event: 'push', action: '', overrides: {} });
  const after = gh.git.resolve(branch) ?? '';
  return { ...base, ref: `refs/heads/${branch}`, after };
}

/** A commit status on `branch`'s head (GitHub's example), aimed at the simulated repository. */
export function statusPayload(gh: FakeGitHub, { branch }: { branch: string }) {
  return examplePayload(gh, {
    event: 'status',
    action: '',
    overrides: { branches: [{ name: branch }] },
  });
}

/** `workflow_run.completed` for a run of the simulated repository, its run as the simulated GitHub shows it (`runBody`). */
export function workflowRunPayload(gh: FakeGitHub, { runId }: { runId: number }) {
  const run = gh.runs.find((r) => r.id === runId);
  if (!run) throw new Error(`no run ${runId}`);
  const base = examplePayload(gh, { event: 'workflow_run', action: 'completed', overrides: {} });
  return {
    ...base,
    workflow_run: {
      ...(base.workflow_run as object),
      ...runBody(gh, run),
      // GitHub's example is a fork's run; the simulated repository's own runs are not.
      head_repository: base.repository,
    },
  };
}

/**
 * The plan session's run (the latest) succeeds after its publish pushed the plan (`landPlan`):
 * its push of the build branch and its completion are delivered to `app`. Answers the run.
 */
export async function finishPlanRun(
  app: AppHarness,
  gh: FakeGitHub,
  { build }: { build: string },
): Promise<SimRun> {
  const run = gh.runs.at(-1);
  if (!run) throw new Error('no plan run');
  gh.finishRun(run.id, 'success');
  await app.deliver('push', pushPayload(gh, { branch: integrationBranch(build) }));
  await app.deliver('workflow_run', workflowRunPayload(gh, { runId: run.id }));
  return run;
}
