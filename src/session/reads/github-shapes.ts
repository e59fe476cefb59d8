/**
 * The shapes of what GitHub answers the session's REST reads (`GitHubReads`),
 * checked with zod before a session relies on them.
 */
import { z } from 'zod';

/** A run as the listing gives it, with what ties a usage record to it. */
export const WorkflowRun = z.object({
  id: z.number(),
  display_title: z.string(),
  created_at: z.string(),
  run_attempt: z.number().nullable().optional(),
  actor: z.object({ login: z.string() }).nullable().optional(),
});
/** One run read by its id: what ties a validation record to Baton's own run, and where a person sees it. */
export const OneWorkflowRun = WorkflowRun.extend({
  html_url: z.string(),
  /** The workflow file it ran: `.github/workflows/baton.yml` for Baton's. */
  path: z.string(),
});
export type OneWorkflowRun = z.infer<typeof OneWorkflowRun>;
/** GitHub lists at most this many runs for a listing filtered by `created` or `event`. */
export const RUNS_LISTED_MAX = 1000;

/** An account: `type` is `Bot` for an app's (Baton's own comments among them). */
const User = z.object({ login: z.string(), type: z.string().optional() }).nullable().optional();
/** The fields of an issue a plan session reads. */
export const Issue = z.object({
  number: z.number(),
  title: z.string(),
  body: z.string().nullable().optional(),
  /** REST gives objects; a string is accepted as GitHub's older shape. */
  labels: z.array(z.union([z.string(), z.object({ name: z.string() })])).optional(),
});
export type Issue = z.infer<typeof Issue>;

/** The names of an issue's labels. */
export function labelNames(issue: Issue): string[] {
  return (issue.labels ?? []).map((label) => (typeof label === 'string' ? label : label.name));
}
/** What a person wrote on GitHub: its text, who wrote it and when. */
const Authored = z.object({
  body: z.string().nullable().optional(),
  user: User,
  created_at: z.string().optional(),
});
/**
 * A sub-issue or a blocker: a plan of sub-issues reads their titles, states
 * and bodies, and who opened it and when (an outsider's issue made a
 * sub-issue after the request is refused).
 */
export const LinkedIssueBody = Authored.extend({
  number: z.number(),
  title: z.string(),
  state: z.enum(['open', 'closed']),
  /** `https://api.github.com/repos/<owner>/<repo>`: a sub-issue may live in another repository. */
  repository_url: z.string().optional(),
});
export type LinkedIssueBody = z.infer<typeof LinkedIssueBody>;
/** An issue comment: a `/replan` or `/retry` with its feedback. */
export const Comment = Authored.extend({
  id: z.number(),
  /** Where a person reads it: a learn session's evidence links to it. */
  html_url: z.string().optional(),
  /** `…/issues/<n>`: the issue or pull request the comment is on. */
  issue_url: z.string().optional(),
});
export type Comment = z.infer<typeof Comment>;
/** The fields of a pull request a review reads: its head above all. */
export const Pull = z.object({
  number: z.number(),
  title: z.string(),
  /** GitHub's `state`, and whether it merged (`merged`, `merged_at`): a review run of a merged one has nothing to do. */
  state: z.enum(['open', 'closed']),
  merged: z.boolean().nullable().optional(),
  merged_at: z.string().nullable().optional(),
  head: z.object({ sha: z.string(), ref: z.string() }),
  base: z.object({ ref: z.string() }),
});
export type Pull = z.infer<typeof Pull>;
/** One changed file of a pull request; `patch` is absent for binary or very large files. */
export const PullFile = z.object({
  filename: z.string(),
  status: z.string(),
  additions: z.number(),
  deletions: z.number(),
  patch: z.string().optional(),
  previous_filename: z.string().optional(),
});
export type PullFile = z.infer<typeof PullFile>;
/** A review a fix session answers. */
export const Review = z.object({
  id: z.number(),
  body: z.string().nullable().optional(),
  state: z.string(),
  user: User,
});
export type Review = z.infer<typeof Review>;
/** An inline comment of that review. */
export const ReviewThreadComment = z.object({
  path: z.string(),
  line: z.number().nullable().optional(),
  original_line: z.number().nullable().optional(),
  body: z.string(),
});
export type ReviewThreadComment = z.infer<typeof ReviewThreadComment>;
/** A check run on a head a fix session repairs. */
export const CheckRun = z.object({
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullable(),
  output: z
    .object({ title: z.string().nullable().optional(), summary: z.string().nullable().optional() })
    .optional(),
});
export type CheckRun = z.infer<typeof CheckRun>;

/** Who wrote something, and whether the account is a bot's. */
const Writer = z.object({ login: z.string(), type: z.string().optional() }).nullable().optional();
/** A pull request as a listing gives it: a learn session finds the build's by their branches. */
export const ListedPull = z.object({
  number: z.number(),
  html_url: z.string(),
  head: z.object({ ref: z.string() }),
  base: z.object({ ref: z.string() }),
});
export type ListedPull = z.infer<typeof ListedPull>;
/** An inline review comment of a pull request, as a learn session reads it. */
export const PullComment = z.object({
  id: z.number(),
  html_url: z.string(),
  body: z.string(),
  user: Writer,
  path: z.string(),
  line: z.number().nullable().optional(),
  original_line: z.number().nullable().optional(),
});
export type PullComment = z.infer<typeof PullComment>;
/** A review with who wrote it and where it is read, as a learn session reads it. */
export const WrittenReview = z.object({
  id: z.number(),
  html_url: z.string(),
  body: z.string().nullable().optional(),
  state: z.string(),
  user: Writer,
});
export type WrittenReview = z.infer<typeof WrittenReview>;
