import { type Action, type DispatchLock, lockFor } from '../../core/context/action.js';
import {
  renderDispatchInputs,
  renderRunName,
  type SessionRequest,
} from '../../core/sessions/session.js';
import { type BuildSnapshot, buildBase, type RunInfo } from '../../core/snapshot/snapshot.js';
import {
  integrationBranch,
  parseLoopSubject,
  parseMilestoneSubject,
  WORKFLOW_FILE,
  workerBranch,
} from '../../core/vocabulary/ids.js';
import { remembered } from '../../process-memory.js';
import type { SoloProcess } from '../client/solo-process.js';
import { messageOf, type RepoContext, statusOf } from '../client/types.js';
import { AnswerLostError, resetBranch, sendOnce } from './locks/refs.js';
import { writeOnceByRef } from './locks/write-once.js';

export type DispatchOutcome =
  | { result: 'dispatched'; run: { id: number; url: string } | null }
  /**
   * Another process holds the lock for this very dispatch: nothing to do; with `retryInMs`,
   * it may still be sending it (`SoloProcess`), and the build is looked at again then.
   */
  | { result: 'stood-down'; retryInMs?: number };

/**
 * Starts one session, at most once across replicas: first take the lock (a
 * ref that must not exist yet; 422 means another process has it), then
 * dispatch the workflow on the session's branch. If GitHub refuses the
 * dispatch the lock is released, so the next reconcile can try again; if its
 * answer is lost (a 5xx), the run may exist, and is looked for by its name
 * (`findRunOf`) before anything is sent again. Found, it is the
 * dispatch's; not found, the request never reached GitHub and is sent again,
 * at most `DISPATCH_SENDS` times in all, and then the lock is released as
 * for a refusal. A review or a validation takes no lock: the run guards
 * itself (`lockFor`).
 * A lock an earlier reconcile took without a run to show for it is taken
 * over: at once where the build is held across processes, else as
 * `takeOverAlone` says.
 */
export async function dispatchSession(
  ctx: RepoContext,
  { snapshot, request }: { snapshot: BuildSnapshot; request: SessionRequest },
): Promise<DispatchOutcome> {
  const lock = lockFor(request);
  const base = snapshot.integration?.sha ?? buildBase(snapshot).sha;
  // A first attempt whose worker's branch is there with no run of its own (an earlier
  // release's lock whose dispatch never ran, or someone's push) starts it over, as a retry does.
  const leftover =
    lock.kind === 'work-run' && request.worker && snapshot.branches[request.worker] !== undefined
      ? workerBranch(request.build, request.worker)
      : null;
  const ref = leftover ?? sessionRef(request, lock, snapshot.repo.defaultBranch);
  const { solo } = ctx;
  const start = async () => {
    const window = sendWindow(ctx);
    // A new work attempt starts over from the build branch head.
    const reset = lock.kind === 'lock-ref' ? lock.resetBranch : leftover;
    if (reset) await resetBranch(ctx, { branch: reset, sha: base });
    // Sent again only while a lost answer's run is not listed: the request never reached GitHub.
    for (let send = 1; ; send++) {
      if (!window.open()) throw window.late();
      try {
        const data = await sendOnce(() => dispatchWorkflow(ctx, { request, ref, window }));
        const details = data as { workflow_run_id?: number; html_url?: string } | undefined;
        const run = details?.workflow_run_id
          ? { id: Number(details.workflow_run_id), url: details.html_url ?? '' }
          : null;
        solo?.dispatched(request, run);
        return run;
      } catch (error) {
        if (!(error instanceof AnswerLostError)) throw error;
        // Its run may be listed yet: a process alone tells it from another's by its name.
        solo?.dispatched(request, null);
        if (!window.open()) throw window.late(error.cause);
        const run = await findRunOf(ctx, { request, ref }).catch(() => {
          throw error;
        });
        if (run) return run;
        // A plain error: the lock is released, and the next reconcile dispatches again.
        if (send >= DISPATCH_SENDS) {
          throw new Error(
            `${messageOf(error.cause)} (the answer was lost, and no run of it is listed: the next reconcile dispatches again)`,
            { cause: error.cause },
          );
        }
      }
    }
  };
  const lockRef = lockRefOf(lock, request.build);
  if (!lockRef) return { result: 'dispatched', run: await start() };
  const held = await writeOnceByRef(ctx, { ref: lockRef, sha: base }, () => {
    solo?.forget(lockRef);
    return start();
  });
  if (!held.taken) return { result: 'dispatched', run: held.value };
  // An earlier reconcile took the lock. A run it dispatched is listed: nothing to do. A process
  // alone that will not take the lock over yet looks once: its next look sees a run that comes.
  const waiting = solo ? solo.orphanFor(lockRef) < solo.graceMs : false;
  const run = await findRunOf(ctx, { request, ref, again: !waiting }).catch(() => undefined);
  // A listing that failed tells nothing: a process alone looks again soon, where no lease would.
  if (run === undefined)
    return solo
      ? { result: 'stood-down', retryInMs: LISTING_FAILED_RETRY_MS }
      : { result: 'stood-down' };
  if (run !== null) {
    solo?.forget(lockRef);
    return { result: 'stood-down' };
  }
  // None. This reconcile holds the build (the replicas' lease, the process's queue, the
  // conductor's group), so that one has ended: its process ended between lock and dispatch (a
  // replica killed, a job cancelled), or its answer was lost and never found. The dispatch is
  // this one's.
  if (!solo) return { result: 'dispatched', run: await start() };
  return takeOverAlone(ctx, { solo, request, lockRef, base, takeOver: start });
}

/**
 * A lock with no run, found by a process that shares no store (`SoloProcess`):
 * another process may hold it and be about to send, held back by a rate limit
 * (two plan runs, one of them failing, were seen so). The process waits until
 * it has seen the lock so for the grace, past the holder's time to send; then
 * the dispatch is taken over through a takeover ref (`takeoverRef`), which only
 * one process creates. A takeover whose own process never sent is taken over
 * in turn, after the same grace, by the next ref of the chain.
 */
async function takeOverAlone(
  ctx: RepoContext,
  {
    solo,
    request,
    lockRef,
    base,
    takeOver,
  }: {
    solo: SoloProcess;
    request: SessionRequest;
    lockRef: string;
    base: string;
    takeOver: () => Promise<{ id: number; url: string } | null>;
  },
): Promise<DispatchOutcome> {
  for (let n = 0; ; n++) {
    const ref = n === 0 ? lockRef : takeoverRef(request, n);
    const waited = solo.orphanFor(ref);
    if (waited < solo.graceMs) return { result: 'stood-down', retryInMs: solo.graceMs - waited };
    const next = takeoverRef(request, n + 1);
    // A takeover this process saw taken before is waited for in turn.
    if (solo.sawTaken(next)) continue;
    const held = await writeOnceByRef(ctx, { ref: next, sha: base }, takeOver);
    if (!held.taken) return { result: 'dispatched', run: held.value };
  }
}

/**
 * The `n`th takeover of a dispatch's lock (from 1): a hidden ref beside the
 * lock refs (`lockFor`), deleted with them when the build ends.
 */
export function takeoverRef(request: SessionRequest, n: number): string {
  const { build, worker, role, trigger } = request;
  return `refs/baton/${build}/${worker ?? 'build'}/${role}-${trigger ?? 'first'}-takeover-${n}`;
}

/**
 * When a dispatch may leave, asked the moment its request would (after any wait for a
 * rate limit, which may hold it back for minutes): a process alone sends within its
 * deadline of taking the lock (`SoloProcess`), a replica while it surely holds the build
 * (`RepoContext.held`); past either, another process may take the lock over and send it.
 */
interface SendWindow {
  open(): boolean;
  /** The error of a dispatch not sent because the window closed. */
  late(cause?: unknown): DispatchLateError;
}

function sendWindow({ solo, held }: RepoContext): SendWindow {
  if (solo) {
    const deadline = solo.deadline();
    const why = `within ${Math.round(solo.sendWithinMs / 1000)} s of taking its lock (a rate limit held it back)`;
    return {
      open: () => !deadline.aborted,
      late: (cause) =>
        new DispatchLateError(
          `${why}, so it is not sent: its lock stays, and the dispatch is taken over once the lock has stood with no run for the grace`,
          cause,
        ),
    };
  }
  return {
    open: () => held?.() ?? true,
    late: (cause) =>
      new DispatchLateError(
        'while this replica surely held the build (its lease in the store may have lapsed, and another replica may have taken the build), so it is not sent: its lock stays, and whichever replica reconciles the build next looks for its run and, finding none, sends it',
        cause,
      ),
  };
}

/**
 * A dispatch not sent in its window (`SendWindow`): it is never sent now, and its lock
 * stays, for another process (or this one) to take over.
 */
export class DispatchLateError extends AnswerLostError {
  constructor(when: string, cause?: unknown) {
    super(cause);
    this.name = 'DispatchLateError';
    this.message = `the dispatch was not sent ${when}`;
  }
}

/** How long a dispatch whose answer was lost waits before it looks for its run a second time. */
export const LOST_ANSWER_LOOK_AGAIN_MS = 2_000;
/** How soon a process alone looks again at a lock whose run listing failed. */
const LISTING_FAILED_RETRY_MS = 5_000;
/** How many times a dispatch is sent while its answers are lost and no run of it is listed. */
const DISPATCH_SENDS = 3;

/**
 * The run of a dispatch, found by its name among the workflow's hundred newest
 * dispatched runs on its branch: GitHub makes the run before it answers (its
 * answer can carry the run's id), so a run it made is listed at once or
 * within moments; looked for twice, `LOST_ANSWER_LOOK_AGAIN_MS` apart (once
 * without `again`). Null: the dispatch never reached GitHub. A listing that fails rejects.
 */
async function findRunOf(
  ctx: RepoContext,
  { request, ref, again = true }: { request: SessionRequest; ref: string; again?: boolean },
): Promise<{ id: number; url: string } | null> {
  const name = renderRunName(request);
  const look = async () => {
    const { data } = await ctx.octokit.rest.actions.listWorkflowRuns({
      owner: ctx.owner,
      repo: ctx.repo,
      workflow_id: WORKFLOW_FILE,
      branch: ref,
      event: 'workflow_dispatch',
      // A build branch lists every first attempt of its workers: a page as large as GitHub gives.
      per_page: 100,
    });
    // A session asked for again (`resume`) has the name of the run it stands for: only a newer run is its.
    const run = data.workflow_runs.find(
      (listed) =>
        listed.display_title === name &&
        (request.resume === undefined || listed.id > request.resume),
    );
    return run ? { id: run.id, url: run.html_url } : null;
  };
  const found = await look();
  if (found || !again) return found;
  return new Promise((resolve) => setTimeout(resolve, LOST_ANSWER_LOOK_AGAIN_MS)).then(look);
}

/**
 * API URLs whose GitHub refused `return_run_details` (Enterprise Server 3.20
 * and earlier answer 400: cli/cli#12672): dispatches there go without it, and
 * the run is found in the next run listing, by its name, as for any run whose
 * id the dispatch did not give.
 */
const withoutRunDetails = remembered(new Set<string>());

async function dispatchWorkflow(
  ctx: RepoContext,
  { request, ref, window }: { request: SessionRequest; ref: string; window: SendWindow },
): Promise<unknown> {
  const defaults = ctx.octokit.request.endpoint.DEFAULTS;
  const apiUrl = String(defaults.baseUrl);
  // Asked as the request leaves, past every hook's wait: a closed window sends nothing.
  const fetch: typeof globalThis.fetch = (input, init) =>
    window.open()
      ? ((defaults.request?.fetch as typeof globalThis.fetch | undefined) ?? globalThis.fetch)(
          input,
          init,
        )
      : Promise.reject(new DOMException('the dispatch window closed', 'AbortError'));
  const send = async (details: boolean) =>
    (
      await ctx.octokit.request(
        'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
        {
          owner: ctx.owner,
          repo: ctx.repo,
          workflow_id: WORKFLOW_FILE,
          ref,
          inputs: renderDispatchInputs(request),
          ...(details ? { return_run_details: true } : {}),
          request: { fetch },
        },
      )
    ).data;
  if (withoutRunDetails.has(apiUrl)) return send(false);
  try {
    return await send(true);
  } catch (error) {
    // A refused parameter dispatched nothing: sending again without it starts the one run.
    if (!refusesRunDetails(error)) throw error;
    withoutRunDetails.add(apiUrl);
    return send(false);
  }
}

/** GitHub's 400 (or 422) naming `return_run_details`: a server that does not know it. */
function refusesRunDetails(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== 400 && status !== 422) return false;
  const message = (error as { response?: { data?: { message?: unknown } } }).response?.data
    ?.message;
  return typeof message === 'string' && message.includes('return_run_details');
}

/** The ref whose creation guards a dispatch; null for a run that guards itself (`DispatchLock`). */
function lockRefOf(lock: DispatchLock, build: string): string | null {
  switch (lock.kind) {
    case 'build-branch':
      return `refs/heads/${integrationBranch(build)}`;
    case 'lock-ref':
      return lock.ref;
    case 'work-run':
    case 'review-run':
    case 'validate-run':
    case 'checks-fix-run':
      return null;
    default: {
      const _exhaustive: never = lock;
      return _exhaustive;
    }
  }
}

/**
 * Plans and loop sessions (`L2`) run on the build branch; a worker's first attempt too, as its
 * branch does not exist before its publish pushes it (`work-run`); every other worker session
 * on its worker's branch; a learn session on the default branch.
 */
function sessionRef(request: SessionRequest, lock: DispatchLock, defaultBranch: string): string {
  // A learn session reads an ended build from the default branch: its build branch may be gone.
  if (request.role === 'learn') return defaultBranch;
  if (lock.kind === 'work-run') return integrationBranch(request.build);
  // A loop's sessions and a milestone's validation run on the build branch, like the plan.
  return request.worker &&
    parseLoopSubject(request.worker) === null &&
    parseMilestoneSubject(request.worker) === null
    ? workerBranch(request.build, request.worker)
    : integrationBranch(request.build);
}

/**
 * The build with the runs `outcomes` dispatched, as GitHub will list them a
 * moment later, and the build branch a first session's dispatch created.
 */
export function withDispatchedRuns(
  snapshot: BuildSnapshot,
  outcomes: readonly {
    action: Action;
    result: string;
    run?: { id: number; url: string } | null | undefined;
  }[],
  now: string,
): BuildSnapshot {
  // A run GitHub did not give an id for yet gets a distinct negative one.
  let unknownId = Math.min(0, ...snapshot.runs.map((run) => run.id));
  const runs: RunInfo[] = outcomes.flatMap(({ action, result, run }) => {
    if (action.kind !== 'dispatch' || result !== 'done') return [];
    const { role, worker, trigger } = action.request;
    const known = run && snapshot.runs.some((existing) => existing.id === run.id);
    if (known) return [];
    return [
      {
        id: run?.id ?? --unknownId,
        role,
        worker: worker ?? null,
        trigger: trigger ?? null,
        status: 'queued',
        conclusion: null,
        createdAt: now,
        updatedAt: now,
        url: run?.url ?? '',
      },
    ];
  });
  // A build's first session took the build branch as its lock, at the default branch's head.
  const created = outcomes.some(
    ({ action, result }) =>
      action.kind === 'dispatch' &&
      result === 'done' &&
      lockFor(action.request).kind === 'build-branch',
  );
  const integration =
    created && !snapshot.integration
      ? { integration: { sha: buildBase(snapshot).sha, containsDefault: true } }
      : {};
  return runs.length === 0 && !created
    ? snapshot
    : { ...snapshot, ...integration, runs: [...snapshot.runs, ...runs] };
}
