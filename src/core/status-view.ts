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
  | { phase: 'missing-workflow'; build: string; workflowPath: string; setupPull: Link | null };
