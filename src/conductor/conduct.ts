/**
 * The conductor workflow's second job (`conduct`): the Baton app's reconcile
 * of one event, run in the repository's own Actions (docs/serverless.md).
 * It mints an installation token for this repository from the app's key,
 * hands the event to the same handlers the hosted app wires to its webhooks
 * (`wireBuildEvents`), and waits for the reconciles they queue. Being a job
 * and not a process that lives on, it hears none of the events its own
 * writes cause (a merge's push, the final pull request it opened): a build
 * whose reconcile wrote is reconciled again at once, a few times at most, and
 * a `look-again` a reconcile asks for within the job's patience is waited for.
 */
import type { Logger } from 'pino';
import { Probot } from 'probot';
import { HeldStatusEdits } from '../github/act/held-status-edit.js';
import { createStatusPacer } from '../github/act/status-pacer.js';
import { BuildQueue } from '../github/client/build-queue.js';
import { type BatonOctokit, batonOctokitWith } from '../github/client/octokit.js';
import { createPacerRegistry, paceRulesFrom } from '../github/client/pacing/pace-requests.js';
import { createWriteBudget } from '../github/client/pacing/write-budget.js';
import type { RepoContext } from '../github/client/types.js';
import { fireSchedules, startFromSchedule } from '../github/reconcile/doors/fire-schedules.js';
import { healLostAsks, startFromResync } from '../github/reconcile/doors/heal-asks.js';
import { findOpenBuilds } from '../github/reconcile/doors/resync.js';
import { wireBuildEvents } from '../github/reconcile/doors/wire-events.js';
import type { HandlerDeps } from '../github/reconcile/queue/handler-deps.js';
import { findBuildForIssue } from '../github/reconcile/queue/locate-build.js';
import { scheduleReconcile } from '../github/reconcile/queue/schedule-reconcile.js';
import { createLookSchedule } from '../github/store/look-schedule.js';
import { createAppClient } from '../session/app-client.js';
import { revokeSessionToken } from '../session/publish/write/token/get-session-token.js';
import { createMembersReader, setRepositoriesOf } from './members-reader.js';
import { createRunsBudget, installationRuns, type ListedRun } from './recent-writes.js';

/** What the conduct job reads: Actions' own variables, and the app's id and key. */
export interface ConductEnv {
  BATON_APP_ID?: string | undefined;
  BATON_APP_PRIVATE_KEY?: string | undefined;
  GITHUB_API_URL?: string | undefined;
  GITHUB_REPOSITORY?: string | undefined;
  GITHUB_REPOSITORY_ID?: string | undefined;
  GITHUB_RUN_ID?: string | undefined;
}

/** Reconciles in a row after passes that wrote, per build, before the job leaves it to the next event. */
const PASSES_AFTER_WRITES = 5;
/** How long the job waits for a reconcile it has scheduled (a look-again, a paced edit). */
const PATIENCE_MS = 90_000;

/**
 * Runs the reconcile one event asks for; answers the job's exit code: 0, 1
 * when a reconcile failed (the next event or the hourly run tries again), 2
 * when the app's id or key is missing or wrong.
 */
export async function conduct({
  env,
  event,
  log,
  fetch = globalThis.fetch,
  mask,
  Octokit,
  patienceMs = PATIENCE_MS,
  now = () => new Date().toISOString(),
}: {
  env: ConductEnv;
  event: { name: string; payload: Record<string, unknown> };
  log: Logger;
  fetch?: typeof globalThis.fetch;
  mask: (secret: string) => void;
  /** The app's Octokit class (tests turn its retries and pacing off); default Baton's, paced by runs. */
  Octokit?: typeof BatonOctokit;
  /** How long the job waits for a reconcile it scheduled; default `PATIENCE_MS`. */
  patienceMs?: number;
  /** The clock (tests move it): when schedules are due. */
  now?: () => string;
}): Promise<number> {
  const apiUrl = env.GITHUB_API_URL || 'https://api.github.com';
  const repository = env.GITHUB_REPOSITORY ?? '';
  const credentials = await mintConductorToken({ env, apiUrl, repository, fetch, mask });
  if (!credentials.ok) {
    log.error(`baton: ${credentials.message}`);
    return 2;
  }
  let failed = false;
  const queue = new BuildQueue((err, key, taskLog = log) => {
    failed = true;
    taskLog.error(
      { err, key },
      'baton: reconcile failed; the next event or the hourly run tries again',
    );
  });
  const timers = new Set<Promise<void>>();
  const deps: HandlerDeps = {
    queue,
    now,
    botLogin: () => Promise.resolve(credentials.botLogin),
    answers: new Map(),
    heldEdits: new HeldStatusEdits(),
    statusPacer: createStatusPacer({
      intervalMs: 0,
      // The job waits for what it scheduled, as a process that lives on would let it run.
      setTimer: (run, ms) => trackTimer(timers, run, Math.min(ms, patienceMs)),
    }),
    // The job waits for a session to settle or a failed write's next try, when it falls within
    // its patience; work GitHub is finishing comes with its own event, which starts a job of its
    // own, and a reconcile GitHub keeps failing (5, 20, 80 s apart, then 320) is left to the next
    // event or the hourly run once its next try is further off, rather than tried every 90 s for
    // as long as the job may run.
    looks: createLookSchedule({
      setTimer: (run, ms) => trackTimer(timers, run, ms),
      takes: (next) => !next.awaited && next.ms <= patienceMs,
    }),
    againAfterWrites: { limit: PASSES_AFTER_WRITES, passes: new Map() },
  };
  // The installation's writes of the last hour are read off its session runs: no job keeps them.
  let listRuns: () => Promise<ListedRun[]> = async () => [];
  const pacing = createPacerRegistry(paceRulesFrom(process.env), {
    makeBudget: () => createWriteBudget({ shared: createRunsBudget(() => listRuns()) }),
  });
  const probot = new Probot({
    githubToken: credentials.token,
    Octokit: Octokit ?? batonOctokitWith(pacing),
    baseUrl: apiUrl,
    log,
  });
  const client = (token: string) =>
    new Probot({
      githubToken: token,
      Octokit: Octokit ?? batonOctokitWith(pacing),
      baseUrl: apiUrl,
      log,
    }).auth();
  // A change set acts in several repositories: a token for each, minted when first needed.
  const others = new Map<string, Promise<RepoContext['octokit']>>();
  const octokitFor = (name: string) => {
    const key = name.toLowerCase();
    const known = others.get(key);
    if (known) return known;
    const made = credentials.mint(name).then(client);
    others.set(key, made);
    return made;
  };
  deps.octokitFor = octokitFor;
  // Its members are read with a read-only token of theirs: this job's sees no private one.
  deps.membersReader = createMembersReader({
    mint: (request) => credentials.mintMembers(request),
    client,
    listedBy: async (home) =>
      setRepositoriesOf(
        home.toLowerCase() === repository.toLowerCase()
          ? await probot.auth()
          : await octokitFor(home),
        home,
      ),
  });
  // What sees the whole installation, read-only: its repositories (a change set's), and their runs.
  let reader: Promise<RepoContext['octokit']> | null = null;
  const installationReader = () => {
    reader ??= credentials.mintReader().then(client);
    return reader;
  };
  deps.installationReader = installationReader;
  // The installation's writes: the session runs of every one of its repositories.
  listRuns = installationRuns(installationReader);
  wireBuildEvents(probot, deps);
  try {
    await dispatch({ probot, deps, event, repository, runId: env.GITHUB_RUN_ID, log });
    await drain(queue, timers);
  } finally {
    // Every token the job minted dies with it, as a session's does at the end of publish.
    const kept = await credentials.revokeAll();
    if (kept > 0) {
      log.warn(
        `baton: ${kept} of the job's tokens could not be revoked; each expires within the hour`,
      );
    }
  }
  return failed ? 1 : 0;
}

/** Hands the event to the handlers; the hourly run and a dispatch are the resync's or one build's. */
async function dispatch({
  probot,
  deps,
  event,
  repository,
  runId,
  log,
}: {
  probot: Probot;
  deps: HandlerDeps;
  event: { name: string; payload: Record<string, unknown> };
  repository: string;
  runId: string | undefined;
  log: Logger;
}): Promise<void> {
  if (event.name === 'schedule' || event.name === 'workflow_dispatch') {
    const [owner = '', repo = ''] = repository.split('/');
    const ctx: RepoContext = {
      octokit: await probot.auth(),
      owner,
      repo,
      botLogin: await deps.botLogin(),
      ...(deps.octokitFor ? { octokitFor: deps.octokitFor } : {}),
      ...(deps.installationReader ? { installationReader: deps.installationReader } : {}),
      ...(deps.membersReader ? { membersReader: deps.membersReader } : {}),
    };
    const { data } = await ctx.octokit.rest.repos.get({ owner, repo });
    const issue = Number((event.payload.inputs as { issue?: unknown } | undefined)?.issue);
    const one =
      event.name === 'workflow_dispatch' && Number.isInteger(issue) && issue > 0
        ? await findBuildForIssue(ctx, issue)
        : null;
    const refs = one ? [one] : await findOpenBuilds(ctx);
    for (const ref of refs) {
      scheduleReconcile(ctx, {
        ref,
        defaultBranch: data.default_branch,
        deps,
        log,
        deliveryId: null,
      });
    }
    log.info({ builds: refs.map((ref) => ref.build) }, 'baton: looking again at open builds');
    // The hourly run fires the schedules due and asks again for a build whose label's ask was
    // lost (a run GitHub never started), as the hosted app's resync does where it runs.
    if (event.name === 'schedule') {
      const healed = await healLostAsks(ctx, {
        builds: refs,
        now: Date.parse(deps.now()),
        start: startFromResync(ctx, { defaultBranch: data.default_branch, deps, log }),
      }).catch((err: unknown) => {
        log.warn(
          { err },
          'baton: the hourly run could not look for lost asks; the next one tries again',
        );
        return [];
      });
      if (healed.length > 0) log.info({ healed }, 'baton: lost asks asked again');
      const fired = await fireSchedules(ctx, {
        defaultBranch: data.default_branch,
        now: deps.now(),
        start: startFromSchedule(ctx, { defaultBranch: data.default_branch, deps, log }),
      });
      if (fired.length > 0) log.info({ fired }, 'baton: schedules due fired');
    }
    return;
  }
  // `pull_request_target` carries the `pull_request` payload, run as the base branch's workflow.
  const name = event.name === 'pull_request_target' ? 'pull_request' : event.name;
  await probot.receive({
    id: runId ?? 'conductor',
    name,
    payload: event.payload,
  } as Parameters<Probot['receive']>[0]);
}

/** Waits until no reconcile is queued and no timer the job keeps is pending. */
async function drain(queue: BuildQueue, timers: Set<Promise<void>>): Promise<void> {
  for (;;) {
    await queue.idle();
    if (timers.size === 0) return;
    await Promise.race(timers);
  }
}

function trackTimer(timers: Set<Promise<void>>, run: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    settle = resolve;
    timer = setTimeout(() => {
      timers.delete(done);
      run();
      resolve();
    }, ms);
  });
  timers.add(done);
  return () => {
    clearTimeout(timer);
    timers.delete(done);
    settle();
  };
}

/**
 * The installation reader's permissions. A token minted with no repository
 * named reaches every repository the installation was granted
 * (https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app),
 * and lists them all, where the job's own token, minted for its repository,
 * lists that one alone; so it holds no more than it reads with: `metadata`
 * (the list) and `actions: read` (each one's session runs, for the pacing).
 */
const READER_PERMISSIONS = { metadata: 'read', actions: 'read' } as const;

type Credentials =
  | {
      ok: true;
      token: string;
      botLogin: string;
      /** A token for another repository of the same installation (a change set's). */
      mint(repository: string): Promise<string>;
      /** A read-only token on every repository of the installation (`READER_PERMISSIONS`). */
      mintReader(): Promise<string>;
      /** A token of `permissions` for `repositories` of the installation's account, by name. */
      mintMembers(request: {
        repositories: string[];
        permissions: Record<string, 'read'>;
      }): Promise<string>;
      /** Revokes every token minted here (`DELETE /installation/token`); answers how many were not. */
      revokeAll(): Promise<number>;
    }
  | { ok: false; message: string };

/**
 * The installation token the conductor writes with: the app's own
 * permissions, for this one repository, minted with the app's JWT.
 */
async function mintConductorToken({
  env,
  apiUrl,
  repository,
  fetch,
  mask,
}: {
  env: ConductEnv;
  apiUrl: string;
  repository: string;
  fetch: typeof globalThis.fetch;
  mask: (secret: string) => void;
}): Promise<Credentials> {
  if (!env.BATON_APP_PRIVATE_KEY) {
    return {
      ok: false,
      message:
        "BATON_APP_PRIVATE_KEY is empty: add the app's private key as the repository secret BATON_APP_PRIVATE_KEY (Settings → Secrets and variables → Actions; `npx @baton-dev/baton setup --private-key | gh secret set BATON_APP_PRIVATE_KEY` beside the app's .env)",
    };
  }
  if (!env.BATON_APP_ID) {
    return {
      ok: false,
      message:
        'BATON_APP_ID is empty: set the repository variable BATON_APP_ID to the app\'s id (its settings, "App ID")',
    };
  }
  try {
    const app = await createAppClient({
      apiUrl,
      appId: env.BATON_APP_ID,
      privateKey: env.BATON_APP_PRIVATE_KEY,
      fetch,
      mask,
      userAgent: 'baton-conductor',
    });
    const installationId = await app.installationOf(repository);
    if (installationId === null) {
      return {
        ok: false,
        message: `the app with id ${env.BATON_APP_ID} is not installed on ${repository}: install it there, or set BATON_APP_ID to the id of the app whose key BATON_APP_PRIVATE_KEY holds`,
      };
    }
    const repositoryId = /^\d+$/.test(env.GITHUB_REPOSITORY_ID ?? '')
      ? Number(env.GITHUB_REPOSITORY_ID)
      : null;
    const minted: string[] = [];
    const mint = async (request: Omit<Parameters<typeof app.mintToken>[0], 'installationId'>) => {
      const { token } = await app.mintToken({ installationId, ...request });
      minted.push(token);
      return token;
    };
    const token = await mint({ repositoryId, repository });
    return {
      ok: true,
      token,
      botLogin: await app.botLogin(),
      mint: (other) => mint({ repositoryId: null, repository: other }),
      mintReader: () =>
        mint({ repositoryId: null, repository, permissions: READER_PERMISSIONS, repositories: [] }),
      mintMembers: ({ repositories, permissions }) =>
        mint({ repositoryId: null, repository, permissions, repositories }),
      revokeAll: async () => {
        const revoked = await Promise.all(
          minted.splice(0).map((one) => revokeSessionToken({ apiUrl, token: one, fetch })),
        );
        return revoked.filter((done) => !done).length;
      },
    };
  } catch (error) {
    return {
      ok: false,
      message: `could not act as the app: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
