import { SETUP_PULL_TITLE } from '../../core/setup/render-setup-pull.js';
import type { RepoContext } from '../client/types.js';
import { statusOf } from '../client/types.js';

/**
 * The one branch every setup pull request comes from. Its fixed name is the
 * lock: creating it succeeds for one replica only (docs/design-notes.md, "State without a store").
 */
export const SETUP_BRANCH = 'baton/setup';

/** A setup pull request as the adapter needs it. */
export interface SetupPullInfo {
  number: number;
  url: string;
  headSha: string;
  body: string;
  /** When it was merged; null for one that is open or was closed without merging. */
  mergedAt: string | null;
  /** When it was closed, merged or not; null for one that is open. */
  closedAt: string | null;
}

/**
 * Baton's setup pull requests in one state, newest first. Only those the app
 * opened count: anyone who can open a pull request can open one from an
 * existing `baton/setup` branch, and closing such a one must not say "no"
 * for the repository (nor an open one be taken for Baton's and rewritten).
 */
export async function findSetupPulls(
  ctx: RepoContext,
  state: 'open' | 'closed',
): Promise<SetupPullInfo[]> {
  const { data } = await ctx.octokit.rest.pulls.list({
    owner: ctx.owner,
    repo: ctx.repo,
    head: `${ctx.owner}:${SETUP_BRANCH}`,
    state,
    sort: 'created',
    direction: 'desc',
    per_page: 100,
  });
  const mine = data.filter((pull) => pull.user?.login === ctx.botLogin);
  return mine.map((pull) => ({
    number: pull.number,
    url: pull.html_url,
    headSha: pull.head.sha,
    body: pull.body ?? '',
    mergedAt: pull.merged_at ?? null,
    closedAt: pull.closed_at ?? null,
  }));
}

/**
 * Opens the setup pull request from `baton/setup`. GitHub keeps one open pull
 * request per head and base, so a replica that comes second (422) returns the
 * one that is open.
 */
export async function createSetupPull(
  ctx: RepoContext,
  { base, body }: { base: string; body: string },
): Promise<SetupPullInfo | null> {
  try {
    const { data } = await ctx.octokit.rest.pulls.create({
      owner: ctx.owner,
      repo: ctx.repo,
      title: SETUP_PULL_TITLE,
      head: SETUP_BRANCH,
      base,
      body,
    });
    return {
      number: data.number,
      url: data.html_url,
      headSha: data.head.sha,
      body: data.body ?? '',
      mergedAt: null,
      closedAt: null,
    };
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    const [open] = await findSetupPulls(ctx, 'open');
    return open ?? null;
  }
}

export async function updateSetupPullBody(
  ctx: RepoContext,
  { number, body }: { number: number; body: string },
): Promise<void> {
  await ctx.octokit.rest.pulls.update({
    owner: ctx.owner,
    repo: ctx.repo,
    pull_number: number,
    body,
  });
}
