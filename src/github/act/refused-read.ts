import { noticeKey, noticeMarker } from '../../core/vocabulary/notice.js';
import { messageOf, type RepoContext, statusOf } from '../client/types.js';
import { noticeLockRef } from './ensure-note.js';
import { writeOnceByRef } from './locks/write-once.js';

/**
 * GraphQL errors that say the document itself is refused (GitHub checks it
 * before running it): asking again the same way is refused the same way.
 */
const QUERY_REFUSALS = new Set([
  'MAX_NODE_LIMIT_EXCEEDED',
  'EXCESSIVE_PAGINATION',
  'MISSING_PAGINATION_BOUNDARIES',
  'undefinedField',
  'argumentLiteralsIncompatible',
  'missingRequiredArguments',
  'variableMismatch',
]);

/** HTTP refusals of a request's form, not of the moment (not auth, not rate limits, not 5xx). */
const LASTING_STATUSES = new Set([400, 413, 414, 422]);

export interface LastingRefusal {
  /** A short code for the notice's key: the GraphQL error type or the HTTP status. */
  code: string;
  /** GitHub's own words. */
  reason: string;
}

/**
 * Whether GitHub refused a read for a reason that will not pass by itself:
 * the query is over a limit or not valid, or the request is malformed. Rate
 * limits, server errors, timeouts and credentials pass (or are retried) and
 * answer null.
 */
export function lastingRefusal(error: unknown): LastingRefusal | null {
  const errors = graphqlErrors(error);
  if (errors) {
    if (errors.some((e) => e.type === 'RATE_LIMITED' || e.type === 'RATE_LIMIT')) return null;
    const refused = errors.find((e) => e.type && QUERY_REFUSALS.has(e.type));
    return refused ? { code: refused.type ?? 'graphql', reason: refused.message } : null;
  }
  const status = statusOf(error);
  if (status !== undefined && LASTING_STATUSES.has(status))
    return { code: String(status), reason: messageOf(error) };
  return null;
}

function graphqlErrors(error: unknown): { type?: string; message: string }[] | null {
  if (typeof error !== 'object' || error === null || !('errors' in error)) return null;
  const errors = (error as { errors: unknown }).errors;
  if (!Array.isArray(errors)) return null;
  return errors.map((e: { type?: unknown; message?: unknown }) => ({
    ...(typeof e?.type === 'string' ? { type: e.type } : {}),
    message: typeof e?.message === 'string' ? e.message : String(e),
  }));
}

/**
 * Says once on the build's issue that GitHub refuses to read the build, with
 * GitHub's reason: the build cannot move until Baton changes, and a person
 * should know rather than watch a build that never starts. Guarded like every
 * notice (`refs/baton/<build>/notice/<key>`, one per reason); the caller still
 * fails the reconcile, so the log has it as an error.
 */
export async function noticeRefusedRead(
  ctx: RepoContext,
  {
    build,
    issue,
    defaultBranch,
    refusal,
  }: { build: string; issue: number; defaultBranch: string; refusal: LastingRefusal },
): Promise<'posted' | 'taken'> {
  const key = noticeKey('read-refused', refusal.code);
  const ref = noticeLockRef(build, key);
  const { data } = await ctx.octokit.rest.git.getRef({
    owner: ctx.owner,
    repo: ctx.repo,
    ref: `heads/${defaultBranch}`,
  });
  const posted = await writeOnceByRef(ctx, { ref, sha: data.object.sha }, () =>
    ctx.octokit.rest.issues.createComment({
      owner: ctx.owner,
      repo: ctx.repo,
      issue_number: issue,
      body: refusedReadBody(build, key, refusal),
    }),
  );
  return posted.taken ? 'taken' : 'posted';
}

function refusedReadBody(build: string, key: string, refusal: LastingRefusal): string {
  const reason = refusal.reason
    .replace(/[`\r\n]+/g, ' ')
    .replace(/@/g, '@\u200b')
    .slice(0, 500);
  return [
    noticeMarker(build, key),
    `⛔ **Baton cannot read this build:** GitHub refuses the request Baton reads it with (\`${refusal.code}\`: ${reason}).`,
    '',
    'This will not pass by itself, so the build stays where it is. Whoever runs Baton should update it or report this with the app’s log, which has the error; once a newer Baton can read the build, it goes on by itself.',
  ].join('\n');
}
