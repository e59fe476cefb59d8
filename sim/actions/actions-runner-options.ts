/**
 * What the simulated Actions runner is given (`ActionsRunnerOptions`) and
 * what it keeps of each job it plays (`JobRecord`): shared by the runner's
 * queue (runner.ts) and its play of one run (play-run.ts).
 */
import type { FakeGitHub } from '../github/fake-github.js';
import type { OidcIssuer } from '../oidc/issuer.js';
import type { JobName, JobWorld } from './job-env.js';
import type { CodeSource, StepOutcome } from './run-step.js';

/** One job of one run attempt, kept for tests and for reading what went wrong. */
export interface JobRecord {
  runId: number;
  attempt: number;
  /** A session's `agent` or `publish`; the conductor's `route` or `conduct`. */
  job: JobName | 'route' | 'conduct';
  /** The step's exit code; checkout failures count as the job's. */
  code: number;
  stdout: string;
  stderr: string;
  /** The job summary the step wrote (GITHUB_STEP_SUMMARY). */
  summary: string;
  /** When its step started and ended (`Date.now()`): what GitHub bills, by the started minute. */
  startedAt?: number;
  endedAt?: number;
  stopped?: StepOutcome['stopped'];
}

/**
 * How long a job may run before the runner ends it, unless a test says: a
 * guard against a hung job, not a measure. As long as a whole build may take
 * (WHOLE_BUILD_LIMIT_MS of sim/e2e.ts), in the machine's time as the tests'
 * waits are (sim/machine-time.ts), so that a test waiting on a step
 * fails first, saying what it waited for, and a job a busy machine slowed is
 * never ended as hung; a test's end stops its jobs in any case. GitHub's own
 * limit is the workflow's `timeout-minutes` (65 minutes for an agent job).
 */
export const JOB_LIMIT_MS = 600_000;

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
  /**
   * Conductor runs at the same time (server-less mode), beside the session runs: GitHub gives
   * a run of every workflow a runner of its own; default 4.
   */
  conductorParallel?: number;
  /** LOG_LEVEL of the conductor's jobs; default info. */
  conductorLogLevel?: string;
  /** A job's time limit; default `JOB_LIMIT_MS`. */
  jobTimeoutMs?: number;
  /** Keep each run's folders (workspaces, BATON_OUT) for inspection. */
  keepFolders?: boolean;
  /**
   * Give each agent job a throwaway tools user, so its session runs confined
   * and behind the egress rules; default: where the machine allows it
   * (root, sudo, iptables; `canConfineSimJobs`).
   */
  toolUsers?: boolean;
  /**
   * The workflow's review jobs after a work, contract or fix session's publish; false
   * plays a workflow from before them (an earlier release's), whose runs review nothing,
   * so that the app dispatches every review. Default true.
   */
  reviewJobs?: boolean;
}
