import { z } from 'zod';
import { isSessionTrigger, parseTrigger } from '../core/sessions/session.js';

/**
 * Why a review run has nothing left to review: its pull request merged or
 * closed, or the head it was dispatched for moved only by the branch's update
 * (GitHub's "update branch": the base merged into the head). Baton updates a
 * worker's branch only once it is approved, so the head the run was for was
 * judged already, and the app carries that verdict to the update.
 */
export type GoneWhy = 'merged' | 'closed' | 'updated';

/** A review run's head that is gone: the head it was for (when its trigger names one), where the pull request is now, and why. */
export interface GoneHead {
  asked: string | null;
  head: string;
  why: GoneWhy;
}

/** What a pull request says of itself (GitHub's "Get a pull request"): open or closed, merged, its head and base. */
export const PullState = z.object({
  state: z.enum(['open', 'closed']),
  merged: z.boolean().nullable().optional(),
  merged_at: z.string().nullable().optional(),
  head: z.object({ sha: z.string() }),
  base: z.object({ ref: z.string() }),
});
export type PullState = z.infer<typeof PullState>;

/** One file of a comparison (GitHub's diff entry): its blob after, null or absent once removed. */
const ComparedFile = z.object({
  filename: z.string(),
  status: z.string(),
  sha: z.string().nullable().optional(),
  previous_filename: z.string().optional(),
});
type ComparedFile = z.infer<typeof ComparedFile>;

/** "Compare two commits" (`GET /repos/{owner}/{repo}/compare/{base}...{head}`), the fields read here. */
export const Comparison = z.object({
  status: z.enum(['diverged', 'ahead', 'behind', 'identical']),
  files: z.array(ComparedFile).default([]),
});
export type Comparison = z.infer<typeof Comparison>;

/** "Get a commit" (`GET /repos/{owner}/{repo}/commits/{ref}`), its parents. */
export const CommitParents = z.object({ parents: z.array(z.object({ sha: z.string() })) });

/** GitHub lists at most 300 files of a comparison: a longer one is not known whole. */
const COMPARED_FILES_MAX = 300;

/** The reads the check makes, as the agent (the job's token) or publish (the app's) makes them. */
export interface HeadReads {
  compare(base: string, head: string): Promise<Comparison>;
  parentsOf(sha: string): Promise<string[]>;
}

/** The head a review run was dispatched for, from its trigger (`head-<sha>`); null for any other. */
export function askedHead(trigger: string | undefined): string | null {
  if (!trigger || !isSessionTrigger(trigger)) return null;
  const { kind, id } = parseTrigger(trigger);
  return kind === 'head' && /^[0-9a-f]{40}$/.test(id) ? id : null;
}

/**
 * Whether the review of `asked` on this pull request is moot: it merged or
 * closed (`merged`/`state` as GitHub answers them), or its head moved from
 * `asked` only by the branch's update. A head another commit moved (a
 * worker's fix, a person's push) is not gone: it is reviewed. A read that
 * fails tells nothing, and the review goes on (`log` says why).
 */
export async function goneHead({
  pull,
  asked,
  reads,
  log,
}: {
  pull: PullState;
  asked: string | null;
  reads: HeadReads;
  log: (line: string) => void;
}): Promise<GoneHead | null> {
  const head = pull.head.sha;
  if (pull.merged === true || pull.merged_at) return { asked, head, why: 'merged' };
  if (pull.state === 'closed') return { asked, head, why: 'closed' };
  if (asked === null || head === asked) return null;
  try {
    const updated = await onlyBaseUpdate(reads, { asked, head, base: pull.base.ref });
    return updated ? { asked, head, why: 'updated' } : null;
  } catch (error) {
    log(
      `could not tell whether ${head.slice(0, 7)} only updated ${asked.slice(0, 7)} (${error instanceof Error ? error.message : String(error)}): reviewing`,
    );
    return null;
  }
}

/**
 * Whether `head` is the branch's update of `asked` and nothing more: a merge
 * whose first parent is `asked` and whose second is on the base branch, and
 * whose tree differs from `asked`'s only in files it takes as that merged
 * commit has them, each a file the base changed since it and `asked` parted.
 * A file the worker changed too comes out of the merge as neither side had
 * it: such an update is reviewed again, as is a merge of anything else.
 */
async function onlyBaseUpdate(
  reads: HeadReads,
  { asked, head, base }: { asked: string; head: string; base: string },
): Promise<boolean> {
  const parents = await reads.parentsOf(head);
  const [first, merged] = parents;
  if (parents.length !== 2 || first !== asked || !merged) return false;
  const [onBase, brought, moved] = await Promise.all([
    reads.compare(merged, base),
    reads.compare(asked, merged),
    reads.compare(asked, head),
  ]);
  if (onBase.status !== 'identical' && onBase.status !== 'ahead') return false;
  if (moved.status !== 'ahead') return false;
  if (brought.files.length >= COMPARED_FILES_MAX || moved.files.length >= COMPARED_FILES_MAX)
    return false;
  const fromBase = new Map(brought.files.map((file) => [file.filename, file]));
  return moved.files.every((file) => {
    const taken = fromBase.get(file.filename);
    return taken !== undefined && sameEnd(taken, file);
  });
}

/** The same file at the end of two comparisons: both removed, or the same blob by the same rename. */
function sameEnd(a: ComparedFile, b: ComparedFile): boolean {
  if (a.status === 'removed' || b.status === 'removed') return a.status === b.status;
  return (
    !!a.sha && a.sha === b.sha && (a.previous_filename ?? null) === (b.previous_filename ?? null)
  );
}

/** The words for a gone head, as a session's log and publish's summary say them. */
export function describeGone(pr: number, gone: GoneHead): string {
  const asked = gone.asked ? gone.asked.slice(0, 7) : 'its head';
  switch (gone.why) {
    case 'merged':
      return `#${pr} is merged: the review of ${asked} has nothing left to judge`;
    case 'closed':
      return `#${pr} is closed: the review of ${asked} has nothing left to judge`;
    case 'updated':
      return `#${pr} moved from ${asked} to ${gone.head.slice(0, 7)} only by the branch's update: ${asked} was judged already`;
    default: {
      const _exhaustive: never = gone.why;
      return _exhaustive;
    }
  }
}
