import { setTimeout as sleep } from 'node:timers/promises';
import { type BuildSnapshot, buildBase } from '../../core/snapshot/snapshot.js';
import { buildTrailers } from '../../core/verification/write-trailers.js';
import { integrationBranch } from '../../core/vocabulary/ids.js';
import { trailerLines, type WriteTrailers, withTrailers } from '../../core/vocabulary/trailers.js';
import type { RepoContext } from '../client/types.js';
import { messageOf, statusOf } from '../client/types.js';
import { ensureNote } from './ensure-note.js';

const MERGE_ATTEMPTS = 3;

type Result = { result: 'done' | 'unchanged' | 'failed'; detail?: string };

/**
 * Merges exactly the reviewed head (`sha` guard), its commit's message closed
 * by the merge's trailers (`commit_message`, the body under GitHub's own title:
 * no model's words go in). A rebase makes no commit of its own and takes no
 * message: the worker's commits land as they are, with their own trailers.
 * GitHub answers 405 "Base
 * branch was modified" when another merge landed a moment ago: try again
 * shortly. 409 means the head moved since the review: leave it to the next
 * observation, which sees the new head and its (absent) verdict.
 */
export async function mergePull(
  ctx: RepoContext,
  { pull, sha, method }: { pull: number; sha: string; method: 'squash' | 'merge' | 'rebase' },
  trailers?: WriteTrailers,
): Promise<Result & { merged?: string }> {
  const lines = trailers && method !== 'rebase' ? trailerLines(trailers) : [];
  const message = lines.length > 0 ? { commit_message: lines.join('\n') } : {};
  for (let attempt = 1; ; attempt++) {
    try {
      const { data } = await ctx.octokit.rest.pulls.merge({
        owner: ctx.owner,
        repo: ctx.repo,
        pull_number: pull,
        sha,
        merge_method: method,
        ...message,
      });
      return { result: 'done', merged: data.sha };
    } catch (error) {
      const status = statusOf(error);
      if (status === 409)
        return { result: 'unchanged', detail: 'the head moved since it was reviewed' };
      const baseMoved = status === 405 && /base branch was modified/i.test(messageOf(error));
      if (!baseMoved || attempt >= MERGE_ATTEMPTS) {
        return { result: 'failed', detail: `${status ?? ''} ${messageOf(error)}`.trim() };
      }
      await sleep(500 * attempt);
    }
  }
}

/**
 * Merges the moved base (`buildBase`: the default branch, or a labelled pull
 * request's) into the build branch, its message closed
 * by the build's trailers (no worker's: it brings no worker's work). A conflict is
 * reported on the issue once per default-branch head, never forced.
 */
export async function syncBuildBranch(
  ctx: RepoContext,
  { snapshot }: { snapshot: BuildSnapshot },
): Promise<Result> {
  // The build's base: the default branch, or the labelled pull request's branch.
  const { branch: defaultBranch, sha: defaultSha } = buildBase(snapshot);
  try {
    const response = await ctx.octokit.rest.repos.merge({
      owner: ctx.owner,
      repo: ctx.repo,
      base: integrationBranch(snapshot.build),
      head: defaultSha,
      commit_message: withTrailers(
        `Merge ${defaultBranch} into the build branch`,
        buildTrailers(snapshot),
      ),
    });
    // 204: nothing to merge (typed as 201 only).
    return { result: (response.status as number) === 204 ? 'unchanged' : 'done' };
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
    await ensureNote(ctx, {
      number: snapshot.issue.number,
      key: `base-conflict-${defaultSha}`,
      guard: { build: snapshot.build, sha: snapshot.integration?.sha ?? defaultSha },
      body: [
        `⚠️ \`${defaultBranch}\` moved on and now conflicts with the build branch \`${integrationBranch(snapshot.build)}\`.`,
        '',
        `Merge \`${defaultBranch}\` into \`${integrationBranch(snapshot.build)}\` by hand and resolve the conflict;`,
        'Baton goes on from the resolved branch. Workers keep running meanwhile.',
      ].join('\n'),
    });
    return { result: 'failed', detail: 'conflict with the default branch' };
  }
}
