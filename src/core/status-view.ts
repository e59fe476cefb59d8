import type { Config, ConfigProblem } from './config.js';
import type { Plan } from './plan.js';

/** A link to a run or PR, as the status comment shows it. */
export interface Link {
  label: string;
  url: string;
}

/** Where files on a branch can be linked: `<repoUrl>/blob/<branch>/<path>`. */
export interface RepoLinks {
  repoUrl: string;
  branch: string;
}

/**
 * What the status comment shows, one variant per phase of a build.
 * `renderStatus(view)` turns it into markdown with the hidden marker.
 */
export type StatusView =
  | { phase: 'planning'; build: string; run: Link | null; replan: boolean }
  | { phase: 'plan-failed'; build: string; run: Link }
  | { phase: 'plan-invalid'; build: string; problems: string[]; links: RepoLinks }
  | { phase: 'plan-ready'; build: string; plan: Plan; config: Config; links: RepoLinks }
  | { phase: 'config-invalid'; build: string; file: string; problems: ConfigProblem[] }
  | { phase: 'missing-workflow'; build: string; workflowPath: string; setupPull: Link | null }
  | ProgressStatusView;

/** How one worker stands, as the running build's status shows it. */
export type WorkerDisplayState =
  | 'waiting'
  | 'ready'
  | 'queued'
  | 'working'
  | 'reviewing'
  | 'fixing'
  | 'checks'
  | 'approved'
  | 'needs-human'
  | 'failed'
  | 'merged'
  | 'skipped';

/** One row of the workers table. */
export interface WorkerRow {
  id: string;
  title: string;
  dependsOn: string[];
  state: WorkerDisplayState;
  /** Why it failed or waits, in a few words. */
  note: string | null;
  /** What a person can type next, such as `/retry W1.2`. */
  hint: string | null;
  /** The worker's latest session run. */
  run: Link | null;
  pull: Link | null;
  /** Work sessions started for it. */
  attempts: number;
  /** From its completion report (once merged); null before. */
  tokens: number | null;
  /** Its completion's cost plus Baton's reviews of its pull requests; null when nothing is known. */
  costUsd: number | null;
}

/** One command taken, for the short history under the table. */
export interface CommandEntry {
  author: string;
  /** The command as written, shortened: `/retry W1.2 use the new API`. */
  text: string;
  at: string;
}

/** Everything the status of a build past its plan shows. */
export interface BuildProgress {
  build: string;
  issue: number;
  /** The plan's title. */
  title: string;
  workers: WorkerRow[];
  totals: { merged: number; skipped: number; total: number; tokens: number; costUsd: number };
  /** Set while `/pause` is in force. */
  paused: { by: string; at: string } | null;
  /** `reached`: the build's sessions cost `maxUsd` or more, so nothing new is dispatched. */
  budget: { maxUsd: number | null; reached: boolean };
  finalPull: { number: number; url: string; state: 'open' | 'closed' | 'merged' } | null;
  /** The last commands taken, oldest first. */
  history: CommandEntry[];
  links: RepoLinks;
}

/** Who stopped a build: a `/cancel` comment, or null when the issue was closed. */
export interface Cancellation {
  by: string;
  at: string;
}

/** The phases `renderProgress` draws (src/core/render-progress.ts). */
export type ProgressStatusView =
  | { phase: 'running'; build: string; progress: BuildProgress }
  | { phase: 'done'; build: string; progress: BuildProgress | null }
  | {
      phase: 'cancelled';
      build: string;
      progress: BuildProgress | null;
      cancelledBy: Cancellation | null;
    };
