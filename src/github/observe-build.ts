import { integrationBranch, parseBatonBranch } from '../core/ids.js';
import type { BuildSnapshot } from '../core/snapshot.js';
import { ImmutableCache } from './immutable-cache.js';
import { readComments } from './read-comments.js';
import { readBuildRecord } from './read-plan.js';
import { readPulls } from './read-pulls.js';
import { readRuns } from './read-runs.js';
import type { RepoContext } from './types.js';
import { statusOf } from './types.js';

export interface ObservedBuild {
  snapshot: BuildSnapshot;
  /** Status comments of this build beyond the oldest, left by a race between replicas. */
  duplicateStatusIds: number[];
}

/**
 * One build's truth, read from GitHub (DESIGN §3 "observe"). Independent reads
 * run in parallel; git objects are cached by sha. Nothing here writes.
 */
export async function observeBuild(
  ctx: RepoContext,
  { build, issue, defaultBranch }: { build: string; issue: number; defaultBranch: string },
): Promise<ObservedBuild> {
  const issueInfo = await readIssue(ctx, issue);
  const [branches, defaultSha, runsRead, pulls, finalPull] = await Promise.all([
    readBranches(ctx, build),
    readBranchSha(ctx, defaultBranch),
    readRuns(ctx, { build, since: issueInfo.createdAt }),
    readPulls(ctx, build),
    readFinalPull(ctx, { build, defaultBranch }),
  ]);
  const integrationSha = branches.integration;
  const openPulls = pulls.filter((pull) => pull.state === 'open');
  const [record, containsDefault, comments] = await Promise.all([
    integrationSha
      ? readBuildRecord(ctx, { build, integrationSha })
      : { plan: { kind: 'missing' } as const, completions: {} },
    integrationSha
      ? containsCommit(ctx, { head: integrationSha, commit: defaultSha })
      : Promise.resolve(true),
    readComments(ctx, {
      build,
      sources: [
        { number: issue, source: { kind: 'issue' } },
        ...openPulls.map((pull) => ({
          number: pull.number,
          worker: pull.worker,
          source: { kind: 'pull', number: pull.number, worker: pull.worker } as const,
        })),
      ],
    }),
  ]);
  const snapshot: BuildSnapshot = {
    build,
    issue: {
      number: issueInfo.number,
      title: issueInfo.title,
      state: issueInfo.state,
      labels: issueInfo.labels,
      url: issueInfo.url,
    },
    repo: { owner: ctx.owner, name: ctx.repo, defaultBranch, defaultSha },
    workflowInstalled: runsRead.installed,
    integration: integrationSha ? { sha: integrationSha, containsDefault } : null,
    plan: record.plan,
    completions: record.completions,
    branches: branches.workers,
    pulls,
    runs: runsRead.installed ? runsRead.runs : [],
    commands: comments.commands,
    finalPull,
    statusComment: comments.statusComment,
  };
  return { snapshot, duplicateStatusIds: comments.duplicateStatusIds };
}

async function readIssue(
  ctx: RepoContext,
  number: number,
): Promise<BuildSnapshot['issue'] & { createdAt: string }> {
  const { data } = await ctx.octokit.rest.issues.get({
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: number,
  });
  return {
    number,
    title: data.title,
    state: data.state === 'closed' ? 'closed' : 'open',
    labels: data.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))),
    url: data.html_url,
    // Runs of the build cannot be older than its issue: this bounds the run listing.
    createdAt: data.created_at,
  };
}

async function readBranches(ctx: RepoContext, build: string) {
  const { data } = await ctx.octokit.rest.git.listMatchingRefs({
    owner: ctx.owner,
    repo: ctx.repo,
    ref: `heads/baton/${build}/`,
  });
  let integration: string | null = null;
  const workers: Record<string, string> = {};
  for (const ref of data) {
    const branch = parseBatonBranch(ref.ref);
    if (branch?.build !== build) continue;
    if (branch.kind === 'integration') integration = ref.object.sha;
    else workers[branch.worker] = ref.object.sha;
  }
  return { integration, workers };
}

async function readBranchSha(ctx: RepoContext, branch: string): Promise<string> {
  const { data } = await ctx.octokit.rest.git.getRef({
    owner: ctx.owner,
    repo: ctx.repo,
    ref: `heads/${branch}`,
  });
  return data.object.sha;
}

/** Whether `head` contains `commit`; a pair of shas always gives the same answer. */
function containsCommit(
  ctx: RepoContext,
  { head, commit }: { head: string; commit: string },
): Promise<boolean> {
  if (head === commit) return Promise.resolve(true);
  return containment.get(`${ctx.owner}/${ctx.repo}:${head}...${commit}`, async () => {
    const { data } = await ctx.octokit.rest.repos.compareCommitsWithBasehead({
      owner: ctx.owner,
      repo: ctx.repo,
      basehead: `${head}...${commit}`,
      per_page: 1,
    });
    // `commit` ahead of `head` means the default branch has commits the build branch lacks.
    return data.ahead_by === 0;
  });
}

const containment = new ImmutableCache<boolean>();

async function readFinalPull(
  ctx: RepoContext,
  { build, defaultBranch }: { build: string; defaultBranch: string },
): Promise<BuildSnapshot['finalPull']> {
  try {
    const { data } = await ctx.octokit.rest.pulls.list({
      owner: ctx.owner,
      repo: ctx.repo,
      head: `${ctx.owner}:${integrationBranch(build)}`,
      base: defaultBranch,
      state: 'all',
      per_page: 10,
    });
    const pull = data[0];
    if (!pull) return null;
    const state = pull.merged_at ? 'merged' : pull.state === 'open' ? 'open' : 'closed';
    return { number: pull.number, state, url: pull.html_url, autoMerge: Boolean(pull.auto_merge) };
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}
