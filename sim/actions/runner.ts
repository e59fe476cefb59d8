/**
 * The simulated Actions runner: takes every run the app dispatches (and every
 * re-run) in order, keeps the workflow's concurrency groups, and plays each
 * run (play-run.ts) as a real process per job.
 */
import { CONDUCTOR_WORKFLOW_FILE } from '../../src/core/vocabulary/ids.js';
import type { SimRun } from '../github/records.js';
import type { ActionsRunnerOptions, JobRecord } from './actions-runner-options.js';
import { ConcurrencyGroups, playConductorRun } from './play-conductor-run.js';
import { crashRecord, playRun } from './play-run.js';

/** A running runner: the jobs it played so far. */
export interface ActionsRunner {
  jobs: JobRecord[];
  /** Resolves once no run is queued or running. */
  idle(): Promise<void>;
  /** Stops the runs still going and cancels them and the queued ones. */
  close(): Promise<void>;
}

const POLL_MS = 100;

/**
 * Plays the Baton workflow for every run the app dispatches: job `agent`
 * (checkout, the session action with `command: agent`, the model key and a
 * read-only token), its output handed on as the artifact would be, then job
 * `publish` (checkout, the action with `command: publish`, an OIDC token
 * grant and no model key), each a real process on the committed bundle; when
 * publish's outputs name a head it pushed, jobs `review` and `review-publish`
 * after them (session-jobs.ts). The run goes queued → in_progress → completed,
 * `failure` when the agent or publish exits non-zero (the review jobs aside),
 * with GitHub's workflow_run webhooks. A run the app cancels has its processes
 * stopped.
 */
export function startActionsRunner(options: ActionsRunnerOptions): ActionsRunner {
  const { gh } = options;
  const taken = new Set<string>();
  const pending: SimRun[] = [];
  const active = new Set<Promise<void>>();
  const jobs: JobRecord[] = [];
  let closed = false;

  const take = (run: SimRun) => {
    const key = `${run.id}:${run.runAttempt}`;
    if (closed || run.status !== 'queued' || !isBatonRun(run) || taken.has(key)) return;
    taken.add(key);
    pending.push(run);
    pending.sort((a, b) => a.id - b.id);
    setImmediate(startNext);
  };
  // The workflow's `concurrency` group: a run waits while another of its group runs.
  const busyGroups = new Set<string>();
  // The conductor's runs have a pool of their own; its job-level groups are kept in the run.
  const conductors = new Set<Promise<void>>();
  const groups = new ConcurrencyGroups();
  const settle = (run: SimRun, played: Promise<void>) =>
    played.catch((error: unknown) => {
      jobs.push(crashRecord(run, error));
      if (run.status !== 'completed') gh.finishRun(run.id, 'failure');
    });
  const startConductors = () => {
    for (;;) {
      if (closed || conductors.size >= (options.conductorParallel ?? 4)) return;
      const index = pending.findIndex(isConductorRun);
      if (index < 0) return;
      const [run] = pending.splice(index, 1) as [SimRun];
      const played = playConductorRun({ options, run, jobs, closing: () => closed, groups });
      const done: Promise<void> = settle(run, played).finally(() => {
        conductors.delete(done);
        active.delete(done);
        startNext();
      });
      conductors.add(done);
      active.add(done);
    }
  };
  const startNext = () => {
    startConductors();
    while (!closed && active.size - conductors.size < (options.parallel ?? 1)) {
      const index = pending.findIndex(
        (queued) => !isConductorRun(queued) && !busyGroups.has(concurrencyGroup(queued)),
      );
      if (index < 0) return;
      const [run] = pending.splice(index, 1) as [SimRun];
      const group = concurrencyGroup(run);
      busyGroups.add(group);
      const played = playRun({ options, run, jobs, closing: () => closed });
      const done: Promise<void> = settle(run, played).finally(() => {
        active.delete(done);
        busyGroups.delete(group);
        startNext();
      });
      active.add(done);
    }
  };
  const onQueued = (run: SimRun) => {
    gh.events.run('requested', run);
    take(run);
  };
  gh.runListeners.add(onQueued);
  // Re-runs are queued again without a dispatch; the poll finds them.
  const poll = setInterval(() => {
    for (const run of gh.runs) take(run);
  }, POLL_MS);
  poll.unref();

  return {
    jobs,
    async idle() {
      for (;;) {
        for (const run of gh.runs) take(run);
        if (pending.length === 0 && active.size === 0) return;
        await Promise.race([...active, new Promise((resolve) => setTimeout(resolve, POLL_MS))]);
      }
    },
    async close() {
      closed = true;
      clearInterval(poll);
      gh.runListeners.delete(onQueued);
      for (const run of pending.splice(0)) gh.finishRun(run.id, 'cancelled');
      await Promise.allSettled([...active]);
    },
  };
}

/** A run of the conductor workflow (server-less mode), which an event started. */
export function isConductorRun(run: SimRun): boolean {
  return run.workflow === CONDUCTOR_WORKFLOW_FILE;
}

/**
 * A run of Baton's workflows, which the runner plays: a session the app dispatched, or the
 * conductor's. A repository's own CI (`ci.yml`, its re-runs) is a test's to script.
 */
function isBatonRun(run: SimRun): boolean {
  return run.event === 'workflow_dispatch' || isConductorRun(run);
}

/** The runs of the session workflow, which the app dispatched: the sessions (not CI's, nor the conductor's). */
export function sessionRuns(runs: readonly SimRun[]): SimRun[] {
  return runs.filter((run) => run.event === 'workflow_dispatch' && !isConductorRun(run));
}

/**
 * The sessions the runner played: a session run's, and the review a work, contract or fix
 * session's run made after it (its `review` job), each one.
 */
export function sessionsPlayed(runs: readonly SimRun[], jobs: readonly JobRecord[]): number {
  return sessionRuns(runs).length + jobs.filter((job) => job.job === 'review').length;
}

/**
 * The template's `concurrency.group`, `baton-<build>-<worker || role>`: every
 * session of one worker (its work, reviews and fixes, twin dispatches of two
 * replicas included), and every validation of one milestone (`M<k>`, twins
 * included), runs one after another, never side by side.
 */
export function concurrencyGroup(run: SimRun): string {
  const { build = '', worker, role = '' } = run.inputs;
  return `baton-${build}-${worker || role}`;
}
