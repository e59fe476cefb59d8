import { Octokit } from '@octokit/core';
import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from 'probot';
import type { AuditEvent } from './core/audit/audit-event.js';
import type { ActedBuild, ActOutcome } from './github/act/act.js';
import { HeldStatusEdits } from './github/act/held-status-edit.js';
import {
  createStatusPacer,
  type StatusPacer,
  statusEditSecondsFrom,
} from './github/act/status-pacer.js';
import { BuildQueue } from './github/client/build-queue.js';
import type { WriteBudget } from './github/client/pacing/write-budget.js';
import { withReason } from './github/client/request-reason.js';
import { SoloProcess } from './github/client/solo-process.js';
import type { RepoContext } from './github/client/types.js';
import { installationCapProblem, installationDailyUsdFrom } from './github/observe/day-spend.js';
import { fireSchedules, startFromSchedule } from './github/reconcile/doors/fire-schedules.js';
import { startFromResync } from './github/reconcile/doors/heal-asks.js';
import { oncePerDelivery } from './github/reconcile/doors/once-per-delivery.js';
import { resyncAll, scheduleResync } from './github/reconcile/doors/resync.js';
import { wireBuildEvents } from './github/reconcile/doors/wire-events.js';
import { LastReads } from './github/reconcile/pass/last-reads.js';
import type { HandlerDeps } from './github/reconcile/queue/handler-deps.js';
import { KnownBuilds } from './github/reconcile/queue/known-builds.js';
import { findLookTarget } from './github/reconcile/queue/look-target.js';
import {
  createRecentReconciles,
  type RecentReconciles,
} from './github/reconcile/queue/recent-reconciles.js';
import { scheduleReconcile, timedLook } from './github/reconcile/queue/schedule-reconcile.js';
import { onInstallationLabels } from './github/setup/ensure-labels.js';
import {
  onInstallation,
  scheduleSetup,
  setupPullHook,
  startOnboarding,
} from './github/setup/onboarding.js';
import type { SetupTemplates } from './github/setup/setup-templates.js';
import { warnOnMissingPin } from './github/setup/source-pin.js';
import { createLookSchedule, type LookSchedule } from './github/store/look-schedule.js';
import type { BatonStore } from './github/store/store.js';
import { BuildBoard } from './page/build-board.js';
import { createPageHandler } from './page/page-handler.js';
import { apiUrlOf, readPageSettings } from './page/page-settings.js';
import { appBotLogin } from './server/app-login.js';
import { findAppUrlProblem } from './server/app-url.js';
import { createHealthHandler } from './server/health.js';
import { type BatonMetrics, createMetricsHandler, recordReconcile } from './server/metrics.js';
import { createResyncHandler } from './server/resync-endpoint.js';
import { createSessionTokenHandler, readTokenEndpointSettings } from './server/session-token.js';
import { createSessionTokenDepsFromProbot } from './server/session-token-deps.js';
import { trackerDoors } from './server/trackers/tracker-doors.js';
import { trackerEcho } from './server/trackers/tracker-echo.js';
import { readTrackerSettings, type TrackerSettings } from './server/trackers/tracker-settings.js';
import type { Telemetry } from './telemetry/telemetry.js';

export interface BatonOptions {
  /** The clock `decide` sees; tests pass a fixed one. */
  now?: () => string;
  queue?: BuildQueue;
  /** Minutes between resyncs of open builds; 0 turns the periodic resync off. */
  resyncMinutes?: number;
  /**
   * Serve `POST /api/baton/session-token`, `/healthz`, `/readyz` and `/metrics`
   * (needs Probot's server; off for `probot.receive` tests).
   */
  serveTokenEndpoint?: boolean;
  /** Called once the app is wired, with its queue (`src/main.ts` drains it on SIGTERM). */
  onLoad?: (app: Probot, queue: BuildQueue) => void;
  /** True once the process is stopping: readiness then fails. */
  stopping?: () => boolean;
  /** Serve `GET /metrics` and count into these (`src/main.ts` passes them). */
  metrics?: BatonMetrics;
  /** Export each reconcile's writes and each build's end as traces (`createTelemetry`; none: nothing). */
  telemetry?: Telemetry;
  /**
   * Least seconds between two edits of one build's status comment (a later
   * change waits, then is edited); default `BATON_STATUS_EDIT_SECONDS` or 5, 0 for at once.
   */
  statusEditSeconds?: number;
  /** The status pacer itself, instead of one made from `statusEditSeconds` (tests pass a clock). */
  statusPacer?: StatusPacer;
  /** One write budget for every installation, instead of each client's own (tests). */
  writeBudget?: WriteBudget;
  /** When builds are looked at again without an event, instead of this process's timers (tests). */
  looks?: LookSchedule;
  /**
   * What replicas share (`BatonStore`: Redis when `REDIS_URL` is set, `src/main.ts`); none: this
   * process alone, its looks `looks`.
   */
  store?: BatonStore;
  /** When builds were last read whole, instead of a memo on the wall clock (tests). */
  recentReconciles?: RecentReconciles;
  /** What this process last read of each build, instead of its own (tests look at it). */
  lastReads?: LastReads;
  /**
   * How this process dispatches beside others it shares no store with, instead of its own
   * (tests pass a clock and deadlines); unused with a Redis store.
   */
  solo?: SoloProcess;
  /**
   * The installation's daily cap in US dollars, instead of `BATON_INSTALLATION_DAILY_USD`
   * (tests); null: none.
   */
  installationDailyUsd?: number | null;
  /** The builds as this process's reconciles last read them, which the page shows (tests look at it). */
  board?: BuildBoard;
  /** The tracker doors' settings, instead of the environment's (`readTrackerSettings`; tests). */
  trackers?: TrackerSettings;
}

/**
 * The Probot app: wires GitHub's events to the reconciler, nothing else.
 * Every handler only finds the build an event concerns and queues a reconcile.
 */
export function createBaton(options: BatonOptions = {}): ApplicationFunction {
  return (app: Probot, setup?: ApplicationFunctionOptions) => {
    // The session token exchange and the probes live on the same server as the webhooks (docs/sessions.md, "The token exchange").
    if (options.serveTokenEndpoint !== false) {
      const tokenHandler = createSessionTokenHandler({
        ...readTokenEndpointSettings(process.env),
        ...createSessionTokenDepsFromProbot(app),
        log: {
          info: (message) => app.log.info(message),
          warn: (message) => app.log.warn(message),
        },
      });
      setup?.addHandler((req, res) => withReason('session-token', () => tokenHandler(req, res)));
      setup?.addHandler(
        createHealthHandler({
          checkAuth: async (signal) => {
            const octokit = await app.auth();
            // One try, given up when readiness stops waiting: a retried or hanging request is a probe left open.
            await octokit.rest.apps.getAuthenticated({ request: { signal, retries: 0 } });
          },
          stopping: options.stopping ?? (() => false),
          ...(options.store ? { checkStore: options.store.problem } : {}),
          cacheMs: 10_000,
          now: Date.now,
          log: { warn: (message) => app.log.warn(message) },
        }),
      );
      if (options.metrics) setup?.addHandler(createMetricsHandler(options.metrics));
    }
    // The page: the builds as the reconciles below last read them, for whoever GitHub lets read them.
    const board = options.board ?? new BuildBoard();
    if (options.serveTokenEndpoint !== false) {
      const settings = readPageSettings(process.env, { apiUrl: apiUrlOf(process.env) });
      if (!settings.ok) app.log.info(`baton: the page at / is off: ${settings.problem}`);
      setup?.addHandler(
        createPageHandler({
          settings,
          board,
          installation: (installationId) => app.auth(installationId),
          log: { warn: (message) => app.log.warn(message) },
        }),
      );
    }
    const { metrics } = options;
    if (metrics) {
      app.onAny((event) => {
        const action = (event.payload as { action?: string }).action;
        metrics.webhooks.inc({
          event: action ? `${event.name}.${action}` : event.name,
          outcome: 'received',
        });
      });
      app.onError((error) => {
        const { event } = error as { event?: { name?: string } };
        metrics.webhooks.inc({ event: event?.name ?? 'unknown', outcome: 'failed' });
      });
    }
    const queue =
      options.queue ??
      new BuildQueue(
        (err, key, log = app.log) =>
          log.error({ err, key }, 'baton: reconcile failed; the next event or resync tries again'),
        metrics
          ? ({ ms, failed }) =>
              metrics.reconciles.observe({ outcome: failed ? 'failed' : 'ok' }, ms / 1000)
          : undefined,
      );
    options.onLoad?.(app, queue);
    const templates = startOnboarding(process.env, app.log);
    // Once, at start: a pin its source lacks fails every session at "fetch the action".
    if (templates && options.serveTokenEndpoint !== false) void checkPinAtStart(app, templates);
    const appUrlProblem = findAppUrlProblem(process.env.BATON_APP_URL);
    if (appUrlProblem) app.log.warn(`baton: ${appUrlProblem}`);
    const capProblem =
      options.installationDailyUsd === undefined ? installationCapProblem(process.env) : null;
    if (capProblem) app.log.warn(`baton: ${capProblem}`);
    const installationDailyUsd =
      options.installationDailyUsd === undefined
        ? installationDailyUsdFrom(process.env)
        : options.installationDailyUsd;
    const resyncMinutes = options.resyncMinutes ?? Number(process.env.BATON_RESYNC_MINUTES ?? 10);
    const { store, telemetry } = options;
    // The trackers' doors (docs/intake.md), where a tracker's secret is set, and their issues kept current.
    const fromEnv = options.trackers ? null : readTrackerSettings(process.env);
    for (const problem of fromEnv?.problems ?? []) app.log.warn(`baton: ${problem}`);
    const trackerSettings = options.trackers ?? fromEnv?.settings ?? { home: null };
    const now = options.now ?? (() => new Date().toISOString());
    const echo = trackerSettings.home
      ? trackerEcho({ settings: trackerSettings, now, log: app.log })
      : null;
    const deps: HandlerDeps = {
      queue,
      now,
      botLogin: appBotLogin(app, 'baton'),
      answers: new Map(),
      recent: options.recentReconciles ?? createRecentReconciles(),
      known: new KnownBuilds(),
      // A read stands for a build while the resync may look at it through its runs alone.
      // Replicas share them (`BatonStore.reads`): a delivery is judged against the newest read.
      lastReads:
        options.lastReads ??
        new LastReads({
          keepMs: probeWithinMsOf(resyncMinutes),
          ...(store?.reads ? { shared: store.reads } : {}),
        }),
      heldEdits: new HeldStatusEdits(),
      looks: store?.looks ?? options.looks ?? createLookSchedule(),
      // With Redis a replica holds each build it reconciles; without, other processes may run unseen.
      ...(store?.kind === 'redis'
        ? { holdBuild: store.holdBuild }
        : { solo: options.solo ?? new SoloProcess() }),
      ...(templates ? { setupPull: setupPullHook(templates, app.log) } : {}),
      statusPacer:
        options.statusPacer ??
        createStatusPacer({
          intervalMs: 1000 * (options.statusEditSeconds ?? statusEditSecondsFrom(process.env)),
        }),
      ...(options.writeBudget ? { writeBudget: options.writeBudget } : {}),
      ...(installationDailyUsd ? { installationDailyUsd } : {}),
      onRead: (read) => board.note(read),
      ...(telemetry
        ? {
            onActed: (acted: ActedBuild) => telemetry.acted(acted),
            onAudit: (events: readonly AuditEvent[]) => telemetry.said?.(events),
          }
        : {}),
      ...(echo ? { afterRead: echo } : {}),
      ...(metrics
        ? {
            onReconciled: (key: string, outcomes: ActOutcome[]) =>
              recordReconcile(metrics, key, outcomes),
          }
        : {}),
    };
    app.on(['installation.created', 'installation_repositories.added'], (context) =>
      withReason('setup', () => onInstallationLabels(context, { queue })),
    );
    if (templates) {
      app.on(['installation.created', 'installation_repositories.added'], (context) =>
        withReason('setup', () =>
          onInstallation(context, { queue, botLogin: deps.botLogin, templates }),
        ),
      );
    }
    // Replicas handle each delivery once, and take the looks that fall due wherever they were set.
    wireBuildEvents(store ? oncePerDelivery(app, store.claimDelivery) : app, deps);
    store?.takeLooks((key, woken) => void lookAt(app, deps, key, woken));
    startResync(app, { deps, minutes: resyncMinutes, templates, store });
    const trackers = trackerDoors(app, {
      settings: trackerSettings,
      deps,
      store,
    });
    if (trackers) setup?.addHandler(trackers);
    // A scheduler can drive the resync too, where no timer survives between requests.
    if (options.serveTokenEndpoint !== false) {
      const resync = resyncer(app, deps, resyncMinutes);
      setup?.addHandler(
        createResyncHandler({
          token: process.env.BATON_RESYNC_TOKEN,
          // Asked for by an operator: every repository's build branches are listed.
          resync: () => void resync({ relist: true }),
        }),
      );
    }
  };
}

/** A build read whole within two resync intervals is looked at through its runs first. */
function probeWithinMsOf(minutes: number): number {
  return minutes > 0 ? minutes * 60_000 * 2 : 0;
}

/**
 * One resync of every open build of every installation, passing over the builds
 * read within half of `minutes` (none when 0); a failure is logged, never thrown.
 * A repository's build branches are listed hourly (`KnownBuilds`), or when `relist`.
 */
function resyncer(app: Probot, deps: HandlerDeps, minutes: number) {
  const passOverMs = minutes > 0 ? (minutes * 60_000) / 2 : 0;
  const probeWithinMs = probeWithinMsOf(minutes);
  return ({
    onRepository,
    relist = false,
  }: {
    onRepository?: (ctx: RepoContext) => void;
    relist?: boolean;
  } = {}) =>
    withReason('resync', () =>
      resyncAll(
        app,
        (ctx, ref, defaultBranch) =>
          scheduleResync(ctx, {
            ref,
            defaultBranch,
            deps,
            log: app.log,
            passOverMs,
            probeWithinMs,
          }),
        deps.botLogin,
        {
          ...(onRepository ? { onRepository } : {}),
          ...(deps.known && !relist ? { known: deps.known } : {}),
          ...(deps.recent ? { recent: deps.recent } : {}),
          heal: (ctx, defaultBranch) => startFromResync(ctx, { defaultBranch, deps, log: app.log }),
          fire: (ctx, defaultBranch) =>
            fireSchedules(ctx, {
              defaultBranch,
              now: deps.now(),
              start: startFromSchedule(ctx, { defaultBranch, deps, log: app.log }),
            }),
        },
      ),
    ).catch((err: unknown) =>
      app.log.warn({ err }, 'baton: resync failed; the next one tries again'),
    );
}

function startResync(
  app: Probot,
  {
    deps,
    minutes,
    templates,
    store,
  }: {
    deps: HandlerDeps;
    minutes: number;
    templates: SetupTemplates | null;
    store: BatonStore | undefined;
  },
): void {
  if (!(minutes > 0)) return;
  const resyncAll = resyncer(app, deps, minutes);
  // Replicas resync from one of them, the leader, which keeps the lead for one and a half intervals.
  const resync: typeof resyncAll = async (options) => {
    if (store && !(await store.lead(minutes * 90_000).catch(() => false))) return;
    await resyncAll(options);
  };
  // The first pass after start also brings every repository's templates up to date:
  // a new release of Baton reaches repositories as "Set up Baton" update PRs.
  const syncTemplates = templates
    ? (ctx: RepoContext) =>
        withReason('setup', () =>
          scheduleSetup(ctx, { queue: deps.queue, templates, log: app.log }),
        )
    : undefined;
  setTimeout(() => resync(syncTemplates ? { onRepository: syncTemplates } : {}), 5_000).unref();
  setInterval(() => resync(), minutes * 60_000).unref();
}

/**
 * A look that fell due on this replica (set on any): the build's reconcile, as its
 * installation. The store keeps the build's key alone, and GitHub says the rest
 * (`findLookTarget`): a look names a build to look at, never how to read it. A wake
 * (the write budget has room for the build's waiting dispatch) is a reconcile; any other
 * look is judged by the build's runs first, as one process's timed look is.
 */
async function lookAt(app: Probot, deps: HandlerDeps, key: string, woken: boolean): Promise<void> {
  try {
    const target = await withReason('look', async () =>
      findLookTarget({ key, auth: (id) => app.auth(id), botLogin: await deps.botLogin() }),
    );
    if (!target) {
      // Nothing GitHub shows the app: the look is forgotten rather than taken again each lease.
      deps.looks?.set(key, [], { again: () => undefined });
      app.log.warn(
        { key },
        'baton: a look names no build of a repository the app is installed on; forgotten',
      );
      return;
    }
    const look = {
      ref: target.ref,
      defaultBranch: target.defaultBranch,
      deps,
      log: app.log,
      deliveryId: null,
    };
    // A wake asks for what the read deferred, which no read judges news: the build is reconciled.
    if (woken) scheduleReconcile(target.ctx, look);
    // Any other look is judged by the build's runs, on the newest read any replica shared.
    else timedLook(target.ctx, look).again();
  } catch (err) {
    app.log.warn(
      { err, key },
      'baton: a look at a build failed; the next look or event tries again',
    );
  }
}

/** Whether the source has the pinned commit, asked without credentials on the app's GitHub. */
async function checkPinAtStart(app: Probot, templates: SetupTemplates): Promise<void> {
  const log = { info: (m: string) => app.log.info(m), warn: (m: string) => app.log.warn(m) };
  try {
    const { baseUrl } = (await app.auth()).request.endpoint.DEFAULTS;
    await warnOnMissingPin({ octokit: new Octokit({ baseUrl }), source: templates.source, log });
  } catch (error) {
    app.log.warn({ err: error }, 'baton: could not check the pinned commit at start-up');
  }
}

export default createBaton();
