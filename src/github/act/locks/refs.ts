import type { Action } from '../../../core/context/action.js';
import { messageRef } from '../../../core/sessions/messages.js';
import type { BuildSnapshot } from '../../../core/snapshot/snapshot.js';
import { ignoreStatus, messageOf, type RepoContext, statusOf } from '../../client/types.js';

/**
 * GitHub's answer to creating a ref someone already holds: 422 "Reference
 * already exists". Its other 422s (an invalid ref name, an object that does
 * not exist) say nothing about who holds the lock and will not pass by themselves.
 */
export function isRefTaken(error: unknown): boolean {
  return statusOf(error) === 422 && /reference already exists/i.test(messageOf(error));
}

/** GitHub refused to create a ref for a reason other than its existing. */
export class RefRefusedError extends Error {
  readonly ref: string;
  constructor(ref: string, cause: unknown) {
    super(
      `GitHub refused to create ${ref}: ${messageOf(cause)}. This will not pass by itself: check the build id and that the commit exists, then reply /status on the issue.`,
      { cause },
    );
    this.name = 'RefRefusedError';
    this.ref = ref;
  }
}

/**
 * Creates a ref; false when it exists already (someone holds the lock). Any
 * other refusal throws `RefRefusedError`, so a bad ref never reads as "taken"
 * and silently stops a build. Sent once (`ONE_SHOT_ROUTES`): a retry after a
 * lost answer would read this process's own new ref as someone else's lock.
 */
export async function createRef(
  ctx: RepoContext,
  { ref, sha }: { ref: string; sha: string },
): Promise<boolean> {
  try {
    return await postRef(ctx.octokit, { owner: ctx.owner, repo: ctx.repo, ref, sha });
  } catch (error) {
    if (statusOf(error) === 422) throw new RefRefusedError(ref, error);
    throw error;
  }
}

/** How many times a ref is sent while GitHub's failed answers leave it not made. */
const REF_SENDS = 4;

/**
 * Creates a ref that must not exist yet: true when this call made it, false
 * when it exists already (GitHub's 422 "Reference already exists"). It is
 * sent once (`ONE_SHOT_ROUTES`), and only sent again when a failed answer (a
 * 5xx, none) left the ref not made, as a read of it shows: a ref that is there
 * after a lost answer may be this call's or another process's, which no one
 * can tell, so that lost answer is thrown, not read as either.
 */
export async function postRef(
  octokit: RepoContext['octokit'],
  params: { owner: string; repo: string; ref: string; sha: string },
): Promise<boolean> {
  for (let send = 1; ; send++) {
    try {
      await octokit.rest.git.createRef(params);
      return true;
    } catch (error) {
      if (isRefTaken(error)) return false;
      if (send >= REF_SENDS || !isAnswerLost(error) || (await refMaybeMade(octokit, params)))
        throw error;
    }
  }
}

/** Whether the ref is there, or cannot be read (then it may be). */
async function refMaybeMade(
  octokit: RepoContext['octokit'],
  { owner, repo, ref }: { owner: string; repo: string; ref: string },
): Promise<boolean> {
  try {
    await octokit.rest.git.getRef({ owner, repo, ref: ref.replace(/^refs\//, '') });
    return true;
  } catch (error) {
    return statusOf(error) !== 404;
  }
}

/**
 * A one-shot write whose answer was lost on the way: a 5xx, or no answer (a
 * dropped connection reads as 500). GitHub may have made it all the same.
 */
export function isAnswerLost(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500;
}

/**
 * A write that must not happen twice was sent and its answer lost
 * (`isAnswerLost`): it may have happened. `writeOnceByRef` keeps its ref, so
 * no pass sends it again; what GitHub made shows at the next look (the run
 * listing, the sub-issues). If it was never made, the ref is a lock
 * nobody holds (a worker's is healed by `/retry`, docs/design-notes.md).
 */
export class AnswerLostError extends Error {
  readonly status: number | undefined;
  constructor(cause: unknown) {
    super(`${messageOf(cause)} (the answer was lost: GitHub may have made it, so its lock stays)`, {
      cause,
    });
    this.name = 'AnswerLostError';
    this.status = statusOf(cause);
  }
}

/** Sends a write that must not happen twice (a dispatch, an issue): a lost answer throws `AnswerLostError`. */
export async function sendOnce<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw isAnswerLost(error) ? new AnswerLostError(error) : error;
  }
}

/** Deletes a ref; one that is gone already is fine. */
export async function deleteRef(ctx: RepoContext, ref: string): Promise<void> {
  await ignoreStatus([422, 404], () =>
    ctx.octokit.rest.git.deleteRef({
      owner: ctx.owner,
      repo: ctx.repo,
      ref: ref.replace(/^refs\//, ''),
    }),
  );
}

/** Moves a branch to `sha`; false when GitHub refuses (422: not a fast-forward, or gone). */
export async function moveBranch(
  ctx: RepoContext,
  { branch, sha, force }: { branch: string; sha: string; force: boolean },
): Promise<boolean> {
  const moved = await ignoreStatus([422], () =>
    ctx.octokit.rest.git.updateRef({
      owner: ctx.owner,
      repo: ctx.repo,
      ref: `heads/${branch}`,
      sha,
      force,
    }),
  );
  return moved !== null;
}

/** Moves a branch to `sha` whatever it holds, or creates it where it is gone. */
export async function resetBranch(
  ctx: RepoContext,
  { branch, sha }: { branch: string; sha: string },
): Promise<void> {
  if (await moveBranch(ctx, { branch, sha, force: true })) return;
  await createRef(ctx, { ref: `refs/heads/${branch}`, sha });
}

/**
 * Records a message where its worker's sessions read it: the hidden ref named
 * for its comment (src/core/sessions/messages.ts). One write; a ref that is
 * there already (another replica's, or an earlier pass's) is left as it is.
 */
export function recordMessage(
  ctx: RepoContext,
  {
    snapshot,
    action,
  }: { snapshot: BuildSnapshot; action: Extract<Action, { kind: 'record-message' }> },
): Promise<boolean> {
  const ref = messageRef(snapshot.build, { worker: action.worker, comment: action.comment });
  return createRef(ctx, { ref, sha: action.sha });
}

/**
 * Deletes records under `refs/baton/` that no run of Baton's wrote (a forged
 * validation record where a validation is to record); one gone already is fine.
 */
export async function dropRecords(
  ctx: RepoContext,
  action: Extract<Action, { kind: 'drop-records' }>,
): Promise<{ result: 'done'; detail: string }> {
  for (const ref of action.refs) await deleteRef(ctx, `refs/baton/${ref}`);
  return { result: 'done', detail: `${action.refs.length} dropped` };
}

/**
 * Deletes the refs of messages a session took in, one write each (a message is
 * taken a few times in a build, not hundreds: the batch mutation of the
 * build's clean-up is not worth its repository read here). One that is gone
 * already is fine.
 */
export async function forgetMessages(
  ctx: RepoContext,
  {
    snapshot,
    action,
  }: { snapshot: BuildSnapshot; action: Extract<Action, { kind: 'forget-messages' }> },
): Promise<{ result: 'done'; detail: string }> {
  for (const message of action.messages) await deleteRef(ctx, messageRef(snapshot.build, message));
  return { result: 'done', detail: `${action.messages.length} taken` };
}
