import { validationRefPrefix } from '../../../core/plan/validation.js';
import { adaptationRefPrefix } from '../../../core/records/adaptation.js';
import { usageRefPrefix } from '../../../core/records/usage.js';
import { remembered } from '../../../process-memory.js';
import type { RepoContext } from '../../client/types.js';
import { messageOf } from '../../client/types.js';
import { listMatchingRefs } from '../../observe/hidden-records.js';

/** GitHub's "no object": as `afterOid` it deletes the ref, as `beforeOid` it says "absent". */
const NO_OBJECT = '0'.repeat(40);

/** Refs per `updateRefs` call: one request, one write, for up to this many. */
export const REFS_PER_MUTATION = 100;

/**
 * Deletes refs in one atomic call: every `beforeOid` must still hold, or none
 * is changed. REST would take one `DELETE …/git/refs/{ref}` per ref, each a
 * write against GitHub's secondary limits.
 */
export const DELETE_REFS = /* GraphQL */ `
  mutation BatonDeleteRefs($repositoryId: ID!, $refUpdates: [RefUpdate!]!) {
    updateRefs(input: { repositoryId: $repositoryId, refUpdates: $refUpdates }) { clientMutationId }
  }
`;

/**
 * Repositories where GitHub refused the mutation (an error answer, not a
 * race): no documentation says `updateRefs` may touch refs outside refs/heads
 * and refs/tags. What this process learned, not state: after a restart one
 * refused call, and one warning, tells again.
 */
const refusedIn = remembered(new Set<string>());

/** Forgets what was learned (tests). */
export function clearRefCleanUp(): void {
  refusedIn.clear();
}

type ListedRef = Awaited<ReturnType<typeof listMatchingRefs>>[number];

type CleanUpOutcome =
  /** `deleted` refs are gone. */
  | { result: 'deleted'; deleted: number }
  /** Nothing of the build's is left to delete (its lock refs are gone: the cleanup was done). */
  | { result: 'nothing' }
  /** A ref moved or went since the listing (another reconcile deleted it): the next one lists again. */
  | { result: 'raced'; deleted: number }
  /** GitHub refused the mutation; `left` are still there. */
  | { result: 'refused'; left: string[]; reason: string }
  /** GitHub refused it before, in this process: not asked again. */
  | { result: 'passed-over' };

/**
 * Deletes a finished build's spent hidden refs (`deleteSpentRefs`), as the
 * `clean-up-refs` action's outcome. A refusal by GitHub is logged once, with
 * the refs left and how to delete them by hand, and not asked again by this
 * process; the build is not affected.
 */
export async function cleanUpRefs(
  ctx: RepoContext,
  {
    build,
    runs,
    locks,
    log,
  }: {
    build: string;
    runs: { id: number; attempt: number }[];
    locks: boolean;
    log: { warn(details: object, message: string): void };
  },
): Promise<{ result: 'done' | 'unchanged'; detail?: string }> {
  const outcome = await deleteSpentRefs(ctx, { build, runs, locks });
  switch (outcome.result) {
    case 'deleted':
      return { result: 'done', detail: `${outcome.deleted} refs deleted` };
    case 'raced':
      return { result: 'unchanged', detail: 'another reconcile was deleting them' };
    case 'refused':
      log.warn(
        {
          buildId: build,
          reason: outcome.reason,
          refs: outcome.left,
          command: `git push origin ${outcome.left.map((ref) => `:${ref}`).join(' ')}`,
        },
        `baton: GitHub refused to delete the finished build's hidden refs (updateRefs: ${outcome.reason}); ${outcome.left.length} are left and Baton will not ask again until it restarts. They do no harm; to delete them, run the command logged here in a clone (docs/deploy.md, "Uninstalling")`,
      );
      return { result: 'unchanged', detail: 'GitHub refused to delete them' };
    case 'passed-over':
      return { result: 'unchanged', detail: 'GitHub refused before' };
    case 'nothing':
      return { result: 'unchanged' };
    default: {
      const _exhaustive: never = outcome;
      return _exhaustive;
    }
  }
}

/**
 * Deletes a finished build's hidden refs that have done their work: the
 * exchange refs of its completed `runs` (up to the attempt each reached) and,
 * with `locks`, its lock refs (everything under `refs/baton/<build>/` but the
 * usage, adaptation and validation records). Listed over REST, each listing read whole;
 * deleted with `updateRefs`, a hundred a call, each guarded by the commit the
 * listing saw. The exchange refs go first and the locks last, so locks still
 * there always mean there is more to delete, and a build with none costs one
 * listing. A batch that fails because a ref moved or went was another
 * reconcile's doing: nothing of it changed, and the next reconcile lists again.
 */
async function deleteSpentRefs(
  ctx: RepoContext,
  {
    build,
    runs,
    locks,
  }: { build: string; runs: { id: number; attempt: number }[]; locks: boolean },
): Promise<CleanUpOutcome> {
  const key = `${ctx.owner}/${ctx.repo}`;
  if (refusedIn.has(key)) return { result: 'passed-over' };
  // The trailing slash: build `1-x` must not list build `1-xy`'s refs.
  const own = await listMatchingRefs(ctx, `baton/${build}/`);
  const lockRefs = own.filter((ref) => !isRecord(build, ref.ref));
  if (lockRefs.length === 0) return { result: 'nothing' };
  const reached = new Map(runs.map((run) => [run.id, run.attempt]));
  const exchanges = (await listMatchingRefs(ctx, 'baton-exchanges/')).filter((ref) =>
    isFinishedExchange(ref.ref, reached),
  );
  const targets = [...exchanges, ...(locks ? lockRefs : [])];
  if (targets.length === 0) return { result: 'nothing' };
  const repositoryId = await repositoryNodeId(ctx);
  let deleted = 0;
  for (let start = 0; start < targets.length; start += REFS_PER_MUTATION) {
    const batch = targets.slice(start, start + REFS_PER_MUTATION);
    try {
      await ctx.octokit.graphql(DELETE_REFS, {
        repositoryId,
        refUpdates: batch.map((ref) => ({
          name: ref.ref,
          beforeOid: ref.object.sha,
          afterOid: NO_OBJECT,
        })),
      });
      deleted += batch.length;
    } catch (error) {
      if (!isErrorAnswer(error)) throw error;
      if (await anyMoved(ctx, { build, batch })) return { result: 'raced', deleted };
      refusedIn.add(key);
      return {
        result: 'refused',
        left: targets.slice(start).map((ref) => ref.ref),
        reason: messageOf(error),
      };
    }
  }
  return { result: 'deleted', deleted };
}

/** A usage or adaptation record of the build: its spend history, which stays. */
function isRecord(build: string, ref: string): boolean {
  return (
    ref.startsWith(usageRefPrefix(build)) ||
    ref.startsWith(adaptationRefPrefix(build)) ||
    ref.startsWith(validationRefPrefix(build))
  );
}

/**
 * `refs/baton-exchanges/<run>/<attempt>` (a views job's or a review's in the run: `views-`
 * or `review-<attempt>`) of a listed completed run, at an attempt it reached.
 */
function isFinishedExchange(ref: string, reached: Map<number, number>): boolean {
  const found = /^refs\/baton-exchanges\/(\d+)\/(?:(?:views|review)-)?(\d+)$/.exec(ref);
  if (!found) return false;
  const attempt = reached.get(Number(found[1]));
  return attempt !== undefined && Number(found[2]) <= attempt;
}

async function repositoryNodeId(ctx: RepoContext): Promise<string> {
  const { data } = await ctx.octokit.rest.repos.get({ owner: ctx.owner, repo: ctx.repo });
  return data.node_id;
}

/**
 * GitHub answered the mutation with errors (it refused or could not apply it),
 * as opposed to failing the request. A rate limit is not an answer about the
 * refs: it is thrown, and tried at a later reconcile.
 */
function isErrorAnswer(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('errors' in error)) return false;
  const errors = (error as { errors: unknown }).errors;
  if (!Array.isArray(errors)) return false;
  return !errors.some(
    (e: { type?: unknown }) => e?.type === 'RATE_LIMITED' || e?.type === 'RATE_LIMIT',
  );
}

/** Whether a ref of the batch is gone or points elsewhere now: someone else got there first. */
async function anyMoved(
  ctx: RepoContext,
  { build, batch }: { build: string; batch: ListedRef[] },
): Promise<boolean> {
  const now = new Map<string, string>();
  const prefixes = [`baton/${build}/`, 'baton-exchanges/'].filter((prefix) =>
    batch.some((ref) => ref.ref.startsWith(`refs/${prefix}`)),
  );
  for (const prefix of prefixes) {
    for (const ref of await listMatchingRefs(ctx, prefix)) now.set(ref.ref, ref.object.sha);
  }
  return batch.some((ref) => now.get(ref.ref) !== ref.object.sha);
}
