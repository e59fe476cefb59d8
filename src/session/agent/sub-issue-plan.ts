import type { SubIssueGraph } from '../../core/sub-issue-graph.js';
import type { GitHubReads } from './github-reads.js';
import { stripHidden } from './prompts/quote-untrusted.js';

/** The build issue's sub-issues as GitHub has them, and the description of each (its brief). */
export interface SubIssueRead {
  graph: SubIssueGraph;
  /** Descriptions by sub-issue number, hidden text removed. */
  bodies: Map<number, string>;
}

/**
 * Reads the issue's sub-issues and, for each open one, its "blocked by" links,
 * with the job's read token: one request for the list and one per open
 * sub-issue. Null when the issue has no sub-issues: then the plan is the model's.
 */
export async function readSubIssues(
  github: GitHubReads,
  issue: number,
): Promise<SubIssueRead | null> {
  const subs = await github.listSubIssues(issue);
  if (subs.length === 0) return null;
  const bodies = new Map<number, string>();
  const subIssues: SubIssueGraph['sub_issues'] = [];
  for (const sub of subs) {
    bodies.set(sub.number, stripHidden(sub.body ?? '').trim());
    const blockers = sub.state === 'open' ? await github.listBlockedBy(sub.number) : [];
    subIssues.push({
      number: sub.number,
      title: sub.title.trim() || `#${sub.number}`,
      state: sub.state,
      blocked_by: blockers.map((b) => ({ number: b.number, state: b.state })),
    });
  }
  return { graph: { version: 1, parent: issue, sub_issues: subIssues }, bodies };
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
