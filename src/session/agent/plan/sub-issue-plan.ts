import type { SubIssueGraph } from '../../../core/plan/sub-issue-graph.js';
import type { GitHubReads } from '../../reads/github-reads.js';
import { stripHidden } from '../prompts/quote-untrusted.js';

/** The build issue's sub-issues as GitHub has them, and the description of each (its brief). */
export interface SubIssueRead {
  graph: SubIssueGraph;
  /** Descriptions by sub-issue number, hidden text removed. */
  bodies: Map<number, string>;
  /** Who opened each sub-issue and when, by number: held to the plan's request like an edit. */
  opened: Map<number, { login: string | null; at: string }>;
  /** Why these sub-issues cannot be planned from (`foreignSubIssueProblem`), when so. */
  problem?: string;
}

/**
 * Why the issue's sub-issues cannot be planned from, or null: a sub-issue of another
 * repository shares its number with an issue or pull request of this one, and Baton would
 * read, check and close the wrong one.
 */
export function foreignSubIssueProblem(
  subs: readonly { number: number; repository_url?: string | undefined }[],
  repository: string,
): string | null {
  const own = `/repos/${repository}`.toLowerCase();
  const foreign = subs.filter(
    (sub) => sub.repository_url && !sub.repository_url.toLowerCase().endsWith(own),
  );
  if (foreign.length === 0) return null;
  return (
    `sub-issue${foreign.length > 1 ? 's' : ''} ${foreign.map((sub) => `#${sub.number}`).join(', ')} ` +
    `of another repository: Baton plans only sub-issues of ${repository}. ` +
    'Someone with write access should remove them from the issue (or move them here) and comment `/replan`.'
  );
}

/**
 * Reads the issue's sub-issues and, for each open one, its "blocked by" links,
 * with the job's read token: one request for the list and one per open
 * sub-issue. Null when the issue has no sub-issues: then the plan is the model's.
 */
export async function readSubIssues(
  github: GitHubReads,
  issue: number,
  repository?: string,
): Promise<SubIssueRead | null> {
  const subs = await github.listSubIssues(issue);
  if (subs.length === 0) return null;
  const problem = repository ? foreignSubIssueProblem(subs, repository) : null;
  if (problem)
    return {
      graph: { version: 1, parent: issue, sub_issues: [] },
      bodies: new Map(),
      opened: new Map(),
      problem,
    };
  const bodies = new Map<number, string>();
  const opened = new Map<number, { login: string | null; at: string }>();
  const subIssues: SubIssueGraph['sub_issues'] = [];
  for (const sub of subs) {
    bodies.set(sub.number, stripHidden(sub.body ?? '').trim());
    opened.set(sub.number, { login: sub.user?.login ?? null, at: sub.created_at ?? '' });
    const blockers = sub.state === 'open' ? await github.listBlockedBy(sub.number) : [];
    subIssues.push({
      number: sub.number,
      title: sub.title.trim() || `#${sub.number}`,
      state: sub.state,
      blocked_by: blockers.map((b) => ({ number: b.number, state: b.state })),
    });
  }
  return { graph: { version: 1, parent: issue, sub_issues: subIssues }, bodies, opened };
}

/** The heading under which the plan session's additions follow the sub-issue's own text. */
export const FILLED_IN_HEADING = '## Filled in by the plan session';

/**
 * A brief of a sub-issue: its description as written, then what the plan
 * session added below it. The description comes first and unchanged, so the
 * session can only add missing detail, never rewrite the task.
 */
export function composeSubIssueBrief({
  number,
  description,
  addition,
}: {
  number: number;
  description: string;
  addition: string;
}): string {
  const own = description || `(sub-issue #${number} has no description)`;
  return `Sub-issue #${number}:\n\n${own}\n\n${FILLED_IN_HEADING}\n\n${addition.trim()}`;
}
