import type { CompletionRead } from '../../core/snapshot/snapshot.js';
import { completionPath } from '../../core/vocabulary/ids.js';
import type { RepoContext } from '../client/types.js';
import { statusOf } from '../client/types.js';
import { completionOf } from './read-record.js';

/**
 * A worker's completion report (`completions/<id>.json` under the build's
 * folder) as the commit `sha` holds it: the head of its pull request that a
 * reconcile just merged. That reconcile reads it to decide at once what the
 * merge unlocks (src/github/reconcile/pass/after-merges.ts): an adaptation the report
 * asks for comes before the workers it names, and the final pull request
 * carries every report. One request; a commit never changes, so neither does
 * the answer. Undefined when the head has no report.
 */
export async function readCompletionAt(
  ctx: RepoContext,
  { build, worker, sha }: { build: string; worker: string; sha: string },
): Promise<CompletionRead | undefined> {
  const path = completionPath(build, worker);
  try {
    const { data } = await ctx.octokit.rest.repos.getContent({
      owner: ctx.owner,
      repo: ctx.repo,
      path,
      ref: sha,
    });
    if (Array.isArray(data) || data.type !== 'file') return undefined;
    // Past a megabyte GitHub sends no content; a report is capped far below that.
    const text =
      'content' in data && data.encoding === 'base64'
        ? Buffer.from(data.content, 'base64').toString('utf8')
        : null;
    return completionOf(`${worker}.json`, { byteSize: data.size, text });
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
