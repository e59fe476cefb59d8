/**
 * What the simulated repository holds, record by record: users, issues,
 * comments, pull requests, reviews, check runs, labels, commit statuses,
 * Actions runs and their jobs, commit comments, and how a push moved a branch.
 * Plain shapes, read by the state (github-state.ts), its routes and webhooks.
 */

export interface SimUser {
  login: string;
  type: 'User' | 'Bot';
}

export interface SimIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  user: SimUser;
  createdAt: string;
  /** Set for pull requests, which are issues too. */
  pull: boolean;
  /** Who added which label, oldest first (`events.labeled` records them). */
  labelEvents?: { label: string; actor: string; at?: string }[];
  /** Who removed which label, oldest first (`events.unlabeled` records them). */
  unlabelEvents?: { label: string; actor: string; at: string }[];
  /** Why it was closed (`completed`, `not_planned`); null while open. */
  stateReason?: string | null;
  /**
   * Its `closed` timeline events, oldest first: who closed it, and the pull request whose
   * merge closed it ("Closes #n"), as GraphQL's `ClosedEvent` has them (`actor`, `closer`).
   */
  closedEvents?: { actor: string; at: string; pull?: number }[];
  /** Its `reopened` timeline events, oldest first: who reopened it (GraphQL's `ReopenedEvent`). */
  reopenedEvents?: { actor: string; at: string }[];
  /** The issue this one is a sub-issue of. */
  parent?: number;
  /** Its sub-issues, in GitHub's order (the order they were added). */
  subIssues?: number[];
  /** The issues that block this one ("blocked by" links), in the order they were added. */
  blockedBy?: number[];
  /** The body's last edit (GitHub keeps its time and author), if any. */
  lastEdit?: { at: string; editor: string };
  /** Title changes, oldest first. */
  renames?: { at: string; actor: string }[];
}

export interface SimComment {
  id: number;
  issue: number;
  body: string;
  user: SimUser;
  createdAt: string;
  updatedAt: string;
  reactions: { login: string; content: string }[];
}

export interface SimPull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  mergedAt: string | null;
  /** The commit its merge made on the base branch, once merged through the API. */
  mergeCommitSha?: string;
  /** When it was closed (merged or not); tests that close one set it. */
  closedAt?: string | null;
  user: SimUser;
  createdAt: string;
  autoMerge: boolean;
  /** A draft: GitHub refuses to merge it until it is marked ready for review. */
  draft?: boolean;
  /** Logins asked to review (`POST …/requested_reviewers`). */
  requestedReviewers?: string[];
  /** A fork's pull request: the fork (`owner/name`) and its head commit; `head` is its branch there. */
  fork?: { fullName: string; sha: string };
  /**
   * Who last edited its body (GraphQL's `PullRequest.editor`), as the token of the edit is
   * (`editPullBody`); absent: no one since it was opened, as GitHub answers null.
   */
  editor?: string;
}

/** GraphQL's `PullRequest.reviewDecision`, where a rule asks for reviews. */
export type ReviewDecision = 'APPROVED' | 'CHANGES_REQUESTED' | 'REVIEW_REQUIRED';

export interface SimReview {
  id: number;
  pull: number;
  user: SimUser;
  body: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commitId: string;
  submittedAt: string;
  comments: { path: string; line: number; side: string; body: string }[];
}

export interface SimCheckRun {
  id: number;
  headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  detailsUrl: string;
  output?: unknown;
  /** The GitHub App that created it (its check suite's `app`): only an app creates check runs. */
  app: SimApp;
}

/** A GitHub App as a check suite names it. */
export interface SimApp {
  id: number;
  slug: string;
}

/** The app a repository's Actions workflows report their check runs as (`GITHUB_TOKEN`). */
export const GITHUB_ACTIONS_APP: SimApp = { id: 15368, slug: 'github-actions' };

/** A repository label (`POST /repos/{owner}/{repo}/labels`). */
export interface SimLabel {
  name: string;
  color: string;
  description: string;
}

/** A commit status (Jenkins, Vercel, older CircleCI report through these). */
export interface SimStatus {
  sha: string;
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  targetUrl: string | null;
}

export interface SimRun {
  id: number;
  workflow: string;
  displayTitle: string;
  event: string;
  headBranch: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  createdAt: string;
  updatedAt: string;
  runAttempt: number;
  inputs: Record<string, string>;
  /** Who started the run; the app's bot when absent (every dispatch is the app's). */
  triggeringActor?: string;
  /** Who dispatched the run (`actor`); the app's bot when absent. */
  actor?: string;
  /** The current attempt's jobs, as the runner plays them. */
  jobs?: SimJob[];
  /** The event that started a run of a workflow an event triggers (the conductor), as the runner reads it. */
  payload?: Record<string, unknown>;
}

/** One job of a run attempt, as `GET …/runs/{run_id}/attempts/{attempt_number}/jobs` lists it. */
export interface SimJob {
  id: number;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'skipped' | 'cancelled' | null;
}

/** A push's effect on one branch; `after` null for a deleted branch. */
export interface BranchMove {
  branch: string;
  before: string | null;
  after: string | null;
  sender: string;
}

/**
 * A push as GitHub's repository activity lists it (`GET /repos/{owner}/{repo}/activity`,
 * https://docs.github.com/en/rest/repos/repos#list-repository-activities): the ref, the
 * commits before and after, and who pushed (the token's identity, not the commits' authors).
 */
export interface SimActivity {
  id: number;
  ref: string;
  before: string;
  after: string;
  actor: string;
  activityType: 'push' | 'branch_creation' | 'branch_deletion';
  timestamp: string;
}

/** A comment on a commit (`POST …/commits/{commit_sha}/comments`) and who reacted how. */
export interface SimCommitComment {
  id: number;
  sha: string;
  body: string;
  login: string;
  reactions: { login: string; content: string }[];
}

/** A GitHub release: its tag, notes, whether it is a draft, and its files. */
export interface SimRelease {
  id: number;
  tagName: string;
  name: string;
  body: string;
  draft: boolean;
  /** What a tag made for it names when the tag is absent at its publication: a branch or a commit. */
  targetCommitish: string;
  assets: { id: number; name: string; size: number; content: string }[];
}
