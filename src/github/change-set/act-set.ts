/**
 * What links a change set's builds, carried out on GitHub (docs/change-sets.md):
 * a report put on a member's build branch, `baton/change-set` on a gated
 * head, a member's revert pull request, a member's fix workers in the set's
 * plan, the set's issue closed. Each write is
 * idempotent or guarded, like every action of a build.
 */
import type { SetAction } from '../../core/change-set/set-action.js';
import {
  CHANGE_SET_CHECK_NAME,
  completionPath,
  integrationBranch,
  memberBuildId,
  revertBranch,
} from '../../core/vocabulary/ids.js';
import type { ActLog } from '../act/act.js';
import { moveBranch } from '../act/locks/refs.js';
import { withReason } from '../client/request-reason.js';
import { contextOf, messageOf, type RepoContext, statusOf } from '../client/types.js';

/** What one link's write did: done (with the commit it made on a member build branch), unchanged, or failed. */
export interface LinkOutcome {
  link: SetAction;
  result: 'done' | 'unchanged' | 'failed';
  detail?: string;
  /** The commit a delivered report made on the member's build branch. */
  commit?: string;
  /** The revert pull request just opened, and the final pull request it reverts. */
  revert?: { url: string; final: { number: number; url: string } };
}

/** Carries out the set's links in order; one that fails is logged and the rest go on. */
export async function actSet(
  ctx: RepoContext,
  { links, build, log }: { links: SetAction[]; build: string; log: ActLog },
): Promise<LinkOutcome[]> {
  const outcomes: LinkOutcome[] = [];
  for (const link of links) {
    try {
      outcomes.push(await withReason('change-set', () => actLink(ctx, { link, build })));
    } catch (error) {
      log.error({ err: error, link: link.kind, buildId: build }, `baton: ${link.kind} failed`);
      outcomes.push({
        link,
        result: 'failed',
        detail: `${statusOf(error) ?? ''} ${messageOf(error)}`.trim(),
      });
    }
  }
  return outcomes;
}

async function actLink(
  ctx: RepoContext,
  { link, build }: { link: SetAction; build: string },
): Promise<LinkOutcome> {
  const member = memberBuildId(build, `${ctx.owner}/${ctx.repo}`);
  switch (link.kind) {
    case 'deliver-report':
      return deliverReport(await contextOf(ctx, link.repository), { link, member });
    case 'set-change-set-check': {
      const there = await contextOf(ctx, link.repository);
      await there.octokit.rest.checks.create({
        owner: there.owner,
        repo: there.repo,
        name: CHANGE_SET_CHECK_NAME,
        head_sha: link.sha,
        ...(link.state === 'success'
          ? { status: 'completed', conclusion: 'success' }
          : { status: 'in_progress' }),
        output: { title: link.state === 'success' ? 'Released' : 'Waiting', summary: link.summary },
      });
      return { link, result: 'done' };
    }
    case 'open-revert':
      return openRevert(await contextOf(ctx, link.repository), { link, member });
    case 'add-member-fixes':
      return addMemberFixes(ctx, link);
    case 'close-set-issue':
      await ctx.octokit.rest.issues.update({
        owner: ctx.owner,
        repo: ctx.repo,
        issue_number: Number(build.slice(0, build.indexOf('-'))),
        state: 'closed',
        state_reason: 'completed',
      });
      return { link, result: 'done' };
    default: {
      const _exhaustive: never = link;
      return _exhaustive;
    }
  }
}

/**
 * A worker's report, merged in another repository, written at its path on this
 * member's build branch (one commit through the contents API): its dependents
 * here read it where they read every report. Already there (GitHub's 422 for a
 * file that exists without its sha): unchanged.
 */
async function deliverReport(
  ctx: RepoContext,
  { link, member }: { link: Extract<SetAction, { kind: 'deliver-report' }>; member: string },
): Promise<LinkOutcome> {
  const text = `${JSON.stringify(link.completion, null, 2)}\n`;
  try {
    const { data } = await ctx.octokit.rest.repos.createOrUpdateFileContents({
      owner: ctx.owner,
      repo: ctx.repo,
      path: completionPath(member, link.worker),
      branch: integrationBranch(member),
      message: `${link.worker} merged in ${link.from}: its report, for the workers here that build on it`,
      content: Buffer.from(text).toString('base64'),
    });
    return { link, result: 'done', ...(data.commit.sha ? { commit: data.commit.sha } : {}) };
  } catch (error) {
    if (statusOf(error) === 422) return { link, result: 'unchanged', detail: messageOf(error) };
    throw error;
  }
}

/**
 * A member's revert pull request: a commit on its final pull request's merge
 * whose tree is the merge's first parent's (what `git revert` of that merge
 * makes), on the branch `baton/<member>/revert` (creating it is the lock: a
 * second creation answers 422 and this one goes on to the pull request), with
 * the default branch merged in as it stands now (the merges API; a conflict
 * is left for a person, said in the pull request's body). Nothing is
 * force-pushed.
 */
async function openRevert(
  ctx: RepoContext,
  { link, member }: { link: Extract<SetAction, { kind: 'open-revert' }>; member: string },
): Promise<LinkOutcome> {
  const { owner, repo } = ctx;
  const branch = revertBranch(member);
  const { data: merge } = await ctx.octokit.rest.git.getCommit({
    owner,
    repo,
    commit_sha: link.mergeCommit,
  });
  const parent = merge.parents[0]?.sha;
  if (!parent) return { link, result: 'failed', detail: 'the merge has no parent' };
  const { data: before } = await ctx.octokit.rest.git.getCommit({
    owner,
    repo,
    commit_sha: parent,
  });
  const { data: revert } = await ctx.octokit.rest.git.createCommit({
    owner,
    repo,
    message: `Revert "${link.title.replace(/^Revert /, '')}"\n\nThis reverts #${link.pull} (commit ${link.mergeCommit}).`,
    tree: before.tree.sha,
    parents: [link.mergeCommit],
  });
  try {
    await ctx.octokit.rest.git.createRef({
      owner,
      repo,
      ref: `refs/heads/${branch}`,
      sha: revert.sha,
    });
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
  }
  const { data: repository } = await ctx.octokit.rest.repos.get({ owner, repo });
  let conflict = false;
  try {
    await ctx.octokit.rest.repos.merge({
      owner,
      repo,
      base: branch,
      head: repository.default_branch,
    });
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
    conflict = true;
  }
  const body = conflict
    ? `${link.body}\n\n⚠️ The default branch moved since, and merging it into this revert conflicts: a person resolves it on \`${branch}\`.`
    : link.body;
  let opened: string;
  try {
    const { data } = await ctx.octokit.rest.pulls.create({
      owner,
      repo,
      title: link.title,
      body,
      head: branch,
      base: repository.default_branch,
    });
    opened = data.html_url;
  } catch (error) {
    if (statusOf(error) === 422) return { link, result: 'unchanged', detail: 'already open' };
    throw error;
  }
  const final = { number: link.pull, url: `${repository.html_url}/pull/${link.pull}` };
  return { link, result: 'done', revert: { url: opened, final } };
}

/**
 * A member's fix workers: each write in order (the member's copy first), one
 * commit on the head the set was read at, moved only as a fast-forward. A
 * branch that moved since (GitHub's 422) ends it unchanged, and the next pass
 * decides again on what it reads then; files already there move nothing.
 */
async function addMemberFixes(
  ctx: RepoContext,
  link: Extract<SetAction, { kind: 'add-member-fixes' }>,
): Promise<LinkOutcome> {
  for (const write of link.writes) {
    const there = await contextOf(ctx, write.repository);
    const moved = await commitOnBranch(there, { ...write, message: link.message });
    if (!moved)
      return { link, result: 'unchanged', detail: `${write.branch} moved since it was read` };
  }
  return { link, result: 'done' };
}

/**
 * One commit of `files` on `base` made the head of `branch` (the git data API:
 * the files' content given in the tree, GitHub writes their blobs); false when
 * the branch is no longer at `base`. Where `base` holds the files already, nothing is written.
 */
async function commitOnBranch(
  ctx: RepoContext,
  {
    branch,
    base,
    files,
    message,
  }: { branch: string; base: string; files: Record<string, string>; message: string },
): Promise<boolean> {
  const { owner, repo } = ctx;
  const { data: parent } = await ctx.octokit.rest.git.getCommit({ owner, repo, commit_sha: base });
  const { data: tree } = await ctx.octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: parent.tree.sha,
    tree: Object.entries(files).map(([path, content]) => ({
      path,
      mode: '100644' as const,
      type: 'blob' as const,
      content,
    })),
  });
  if (tree.sha === parent.tree.sha) return true;
  const { data: commit } = await ctx.octokit.rest.git.createCommit({
    owner,
    repo,
    message,
    tree: tree.sha,
    parents: [base],
  });
  return moveBranch(ctx, { branch, sha: commit.sha, force: false });
}
