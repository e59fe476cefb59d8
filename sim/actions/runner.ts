import type { FakeGitHub, SimRun } from '../github/fake-github.js';
import type { OidcIssuer } from '../oidc/issuer.js';
import type { JobName, JobWorld } from './job-env.js';
import { crashRecord, playRun } from './play-run.js';
import type { CodeSource, StepOutcome } from './run-step.js';

/** One job of one run attempt, kept for tests and for reading what went wrong. */
export interface JobRecord {
  runId: number;
  attempt: number;
  job: JobName;
  /** The step's exit code; checkout failures count as the job's. */
  code: number;
  stdout: string;
  stderr: string;
  /** The job summary the step wrote (GITHUB_STEP_SUMMARY). */
  summary: string;
  stopped?: StepOutcome['stopped'];
}

/** What the runner plays runs against, and how. */
export interface ActionsRunnerOptions {
  gh: FakeGitHub;
  issuer: OidcIssuer;
  world: Omit<JobWorld, 'repository' | 'repositoryId' | 'audience'> & { audience?: string };
  /** The simulator's git remote for the repository. */
  gitUrl: string;
  /**
   * How Baton's session code is run: `action` (the default: the committed
   * bundle, as the workflow's `uses:` step runs it, with no install step),
   * `source` (tsx on src) or `bin` (bin/baton.js, `npx baton session …`).
   */
  code?: CodeSource;
  /** Runs at the same time; default 1, so runs go strictly in dispatch order. */
  parallel?: number;
  /** A job's time limit; default 2 minutes. */
  jobTimeoutMs?: number;
  /** Keep each run's folders (workspaces, BATON_OUT) for inspection. */
  keepFolders?: boolean;
  /**
   * Give each agent job a throwaway tools user, so its session runs confined
   * and behind the egress rules; default: where the machine allows it
   * (root, sudo, iptables; `canConfineSimJobs`).
   */
  toolUsers?: boolean;
}

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
 * grant and no model key), each a real process on the committed bundle. The run goes queued → in_progress → completed,
 * `failure` when either job exits non-zero, with GitHub's workflow_run
 * webhooks. A run the app cancels has its processes stopped.
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
    if (closed || run.status !== 'queued' || taken.has(key)) return;
    taken.add(key);
    pending.push(run);
    pending.sort((a, b) => a.id - b.id);
    setImmediate(startNext);
  };
  // The workflow's `concurrency` group: a run waits while another of its group runs.
  const busyGroups = new Set<string>();
  const startNext = () => {
    while (!closed && active.size < (options.parallel ?? 1)) {
      const index = pending.findIndex((queued) => !busyGroups.has(concurrencyGroup(queued)));
      if (index < 0) return;
      const [run] = pending.splice(index, 1) as [SimRun];
      const group = concurrencyGroup(run);
      busyGroups.add(group);
      const done: Promise<void> = playRun({ options, run, jobs, closing: () => closed })
        .catch((error: unknown) => {
          jobs.push(crashRecord(run, error));
          if (run.status !== 'completed') gh.finishRun(run.id, 'failure');
        })
        .finally(() => {
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

/**
 * The template's `concurrency.group`, `baton-<build>-<worker || role>`: every
 * session of one worker (its work, reviews and fixes, twin dispatches of two
 * replicas included) runs one after another, never side by side.
 */
export function concurrencyGroup(run: SimRun): string {
  const { build = '', worker, role = '' } = run.inputs;
  return `baton-${build}-${worker || role}`;
}
