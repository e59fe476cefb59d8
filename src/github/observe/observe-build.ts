import {
  type AdaptationRecord,
  adaptationRefPrefix,
  parseAdaptationMessage,
} from '../../core/plan/adaptation.js';
import { type UsageRecord, usageRefPrefix } from '../../core/plan/usage.js';
import type {
  BuildSnapshot,
  IssueClose,
  IssueStateChange,
  RunInfo,
} from '../../core/snapshot/snapshot.js';
import {
  type ListedUsage,
  tieUsage,
  type UncountedUsage,
  type UsageRun,
} from '../../core/snapshot/usage-ties.js';
import {
  buildDir,
  integrationBranch,
  parseBatonBranch,
  subIssueGraphPath,
} from '../../core/vocabulary/ids.js';
import type { RepoContext } from '../client/types.js';
import {
  type BuildQueryResult,
  type GraphComment,
  type GraphStateEvents,
  loginOf,
} from './build-query.js';
import { hiddenRefReadingFrom, readHiddenRecords } from './hidden-records.js';
import { hasWriteAccess } from './permissions.js';
import { hasBatonEyesInWindow, reactionReadingFrom } from './reactions.js';
import { readBuildGraph, readBuildPage } from './read-build-graph.js';
import {
  type CommentList,
  type CommentSource,
  collectComments,
  fetchComments,
} from './read-comments.js';
import { readPulls } from './read-pulls.js';
import { readRecord } from './read-record.js';
import { readRuns } from './read-runs.js';

export interface ObservedBuild {
  snapshot: BuildSnapshot;
  /** When the build's issue was opened: its runs are listed from that day (`readRuns`). */
  runsSince: string;
  /** Status comments of this build beyond the oldest, left by a race between replicas. */
  duplicateStatusIds: number[];
}

/**
 * One build's truth, read from GitHub (DESIGN §3 "observe"): one GraphQL
 * query for the issue, branches, PRs, record and how far the build branch is
 * behind the default branch (and one more per further page of PRs or refs),
 * and one REST listing for the workflow runs.
 * Nothing here writes.
 */
export async function observeBuild(
  ctx: RepoContext,
  {
    build,
    issue,
    defaultBranch,
    freshFrom,
  }: {
    build: string;
    issue: number;
    defaultBranch: string;
    /** When the reconcile began (ms): a listing of the repository's runs begun since shows it all. */
    freshFrom?: number;
  },
): Promise<ObservedBuild> {
  const integration = integrationBranch(build);
  const { repository } = await readBuildGraph(ctx, {
    owner: ctx.owner,
    repo: ctx.repo,
    issue,
    integration,
    defaultBranch,
    refPrefix: `refs/heads/baton/${build}/`,
    planPath: `${integration}:${buildDir(build)}/plan.json`,
    workersPath: `${integration}:${buildDir(build)}/workers`,
    completionsPath: `${integration}:${buildDir(build)}/completions`,
    subIssuesPath: `${integration}:${subIssueGraphPath(build)}`,
    loopsPath: `${integration}:${buildDir(build)}/loops`,
    usagePrefix: usageRefPrefix(build),
    adaptPrefix: adaptationRefPrefix(build),
  });
  const issueNode = repository.issue;
  if (!issueNode) throw new Error(`issue #${issue} of ${ctx.owner}/${ctx.repo} is gone`);
  const branches = branchesOf(build, repository);
  const defaultSha = repository.defaultRef?.target.oid ?? '';
  const containsDefault = (repository.integrationRef?.compare?.aheadBy ?? 0) === 0;
  const [runsRead, pulls] = await Promise.all([
    readRuns(ctx, {
      build,
      since: issueNode.createdAt,
      ...(freshFrom === undefined ? {} : { freshFrom }),
    }),
    readPulls(ctx, { build, pulls: repository.pullRequests.nodes }),
  ]);
  const comments = await collectComments(ctx, {
    build,
    lists: await commentLists(ctx, { issue, repository }),
  });
  const hidden = await readHiddenRecords(ctx, {
    build,
    usage: repository.usageRefs?.nodes ?? [],
    adapt: repository.adaptRefs?.nodes ?? [],
    reading: hiddenRefReadingFrom(process.env),
  });
  const record = branches.integration
    ? readRecord({ build, repository })
    : { plan: { kind: 'missing' as const }, completions: {}, research: {} };
  const finalPull = await finalPullOf(ctx, { build, defaultBranch, repository });
  const states = await readStateChanges(ctx, {
    issue,
    events: issueNode.stateEvents,
    finalPull: finalPull?.number ?? null,
  });
  const snapshot: BuildSnapshot = {
    build,
    issue: {
      number: issue,
      title: issueNode.title,
      state: issueNode.state === 'CLOSED' ? 'closed' : 'open',
      labels: issueNode.labels.nodes.map((label) => label.name),
      url: issueNode.url,
      ...(issueNode.state === 'CLOSED' ? { closed: latestClose(states.changes) } : {}),
      ...(states.changes.length > 0 ? { stateChanges: states.changes } : {}),
      ...(states.cut ? { stateChangesCut: true } : {}),
    },
    repo: { owner: ctx.owner, name: ctx.repo, defaultBranch, defaultSha },
    workflowInstalled: runsRead.installed,
    integration: branches.integration ? { sha: branches.integration, containsDefault } : null,
    plan: record.plan,
    completions: record.completions,
    research: record.research,
    branches: branches.workers,
    pulls,
    runs: runsRead.installed ? runsRead.runs : [],
    commands: comments.commands,
    finalPull,
    statusComment: comments.statusComment,
    ...(comments.ledgerParts ? { ledgerParts: comments.ledgerParts } : {}),
    notices: comments.notices,
    labelledBy: await labelEventsOf(ctx, issueNode),
    ...usageOf(build, hidden.usage, runsRead.installed ? runsRead.runs : []),
    adaptations: adaptationsOf(hidden.adapt),
  };
  return {
    snapshot,
    runsSince: issueNode.createdAt,
    duplicateStatusIds: comments.duplicateStatusIds,
  };
}

type Repository = BuildQueryResult['repository'];

/**
 * How old an answer about a label's author may be. Every reconcile reads the
 * labels, and a build's labeller is asked about on each: with a minute, as for
 * commands, that was about two requests a worker. A label only names who is
 * notified and where a build began, so a revocation may take an hour to count.
 */
const LABELLER_PERMISSION_TTL_MS = 60 * 60_000;

/**
 * Who added which label, oldest first: only accounts that steer builds (write,
 * maintain or admin; the answer kept an hour, `LABELLER_PERMISSION_TTL_MS`).
 * Anyone with triage permission may add and remove labels: a label they add
 * again names no one to notify, asks for no review and starts no series.
 */
async function labelEventsOf(
  ctx: RepoContext,
  issue: NonNullable<Repository['issue']>,
): Promise<{ label: string; login: string; at: string }[]> {
  const events = (issue.timelineItems?.nodes ?? []).flatMap((node) =>
    node?.actor && node.label
      ? [{ label: node.label.name, login: loginOf(node.actor), at: node.createdAt }]
      : [],
  );
  const kept: { label: string; login: string; at: string }[] = [];
  for (const event of events) {
    const writer =
      event.login !== ctx.botLogin &&
      (await hasWriteAccess(ctx, event.login, { ttlMs: LABELLER_PERMISSION_TTL_MS }));
    if (writer) kept.push(event);
  }
  return kept;
}

/** Pages of closes and reopens read before the build query's window, at most (a hundred each). */
const MAX_STATE_PAGES = 5;

/**
 * The issue's closes and reopens, oldest first, from the newest that steers
 * (a close or reopen by a writer or Baton, or GitHub's close through the
 * final pull request) on, and whether older ones were left unread with none
 * of those found (`cut`). Read on every reconcile from the timeline, never from
 * a webhook's payload, so every replica and a reconcile after a lost event
 * read the same; each account's permission is asked once a minute, as for
 * commands. Pages past the build query's twenty are read only while none in
 * sight steers: someone with triage permission reopening and closing the
 * issue over and over cannot hide a writer's close.
 */
async function readStateChanges(
  ctx: RepoContext,
  {
    issue,
    events,
    finalPull,
  }: { issue: number; events: GraphStateEvents | undefined; finalPull: number | null },
): Promise<{ changes: IssueStateChange[]; cut: boolean }> {
  const newestFirst: IssueStateChange[] = [];
  let window = events;
  for (let pages = 0; window; pages++) {
    for (const node of [...window.nodes].reverse()) {
      if (!node) continue;
      const change = await stateChangeOf(ctx, node);
      newestFirst.push(change);
      const steers =
        change.maySteer ||
        (change.kind === 'closed' && change.byPull !== null && change.byPull === finalPull);
      if (steers) return { changes: newestFirst.reverse(), cut: false };
    }
    const before = window.pageInfo?.hasPreviousPage ? window.pageInfo.startCursor : null;
    if (!before) break;
    if (pages >= MAX_STATE_PAGES) return { changes: newestFirst.reverse(), cut: true };
    const { repository } = await readBuildPage(ctx, 'BatonIssueStates', { issue, before });
    window = repository.issue?.timelineItems;
  }
  return { changes: newestFirst.reverse(), cut: false };
}

async function stateChangeOf(
  ctx: RepoContext,
  node: NonNullable<GraphStateEvents['nodes'][number]>,
): Promise<IssueStateChange> {
  const by = node.actor ? loginOf(node.actor) : null;
  const closing = node.__typename === 'ClosedEvent';
  const byPull =
    closing && node.closer?.__typename === 'PullRequest' ? (node.closer.number ?? null) : null;
  const maySteer = by === null ? false : by === ctx.botLogin || (await hasWriteAccess(ctx, by));
  return { kind: closing ? 'closed' : 'reopened', by, at: node.createdAt, byPull, maySteer };
}

/** The issue's latest close as the status shows it; GitHub may show none (`by` null). */
function latestClose(changes: IssueStateChange[]): IssueClose {
  const close = changes.filter((change) => change.kind === 'closed').at(-1);
  if (!close) return { by: null, at: null, byPull: null, maySteer: false };
  const { kind: _kind, ...rest } = close;
  return rest;
}

/**
 * The usage records of the build's sessions that are tied to its runs Baton
 * dispatched (`tieUsage`), and the refs under its usage prefix that are not,
 * with why: a writer's or a workflow's forged record moves no budget.
 */
function usageOf(
  build: string,
  listed: ListedUsage[],
  runs: RunInfo[],
): { usage: UsageRecord[]; uncountedUsage?: UncountedUsage[] } {
  const byId = new Map(
    runs
      .filter((run) => run.byBaton !== false)
      .map((run): [number, UsageRun] => [
        run.id,
        {
          id: run.id,
          build,
          role: run.role,
          worker: run.worker,
          attempt: run.attempt ?? 1,
          createdAt: run.createdAt,
        },
      ]),
  );
  const { counted, uncounted } = tieUsage(listed, byId);
  return {
    usage: counted.map((tie) => tie.record),
    ...(uncounted.length > 0 ? { uncountedUsage: uncounted } : {}),
  };
}

/** What adapt sessions changed; a ref whose message is not a record is ignored. */
function adaptationsOf(messages: string[]): AdaptationRecord[] {
  return messages.flatMap((message) => {
    const record = parseAdaptationMessage(message);
    return record ? [record] : [];
  });
}

function branchesOf(build: string, repository: Repository) {
  let integration: string | null = null;
  const workers: Record<string, string> = {};
  for (const ref of repository.refs.nodes) {
    const branch = parseBatonBranch(`baton/${build}/${ref.name}`);
    if (branch?.kind === 'integration') integration = ref.target.oid;
    else if (branch?.kind === 'worker') workers[branch.worker] = ref.target.oid;
  }
  return { integration, workers };
}

/**
 * The build's final pull request: the newest from the build branch into the
 * default branch whose head is in this repository. A fork may name its branch
 * `baton/<build>/integration` too; its pull request is never the build's (Baton
 * would enable auto-merge on it, or read the build as ended when it closes).
 * When forks' pull requests fill the query's window, REST's `head` filter,
 * which takes the repository owner's branch only, finds the build's.
 */
async function finalPullOf(
  ctx: RepoContext,
  {
    build,
    defaultBranch,
    repository,
  }: { build: string; defaultBranch: string; repository: Repository },
): Promise<BuildSnapshot['finalPull']> {
  const { nodes, pageInfo } = repository.finalPulls;
  const pull = nodes.find((node) => node.isCrossRepository === false);
  if (!pull) return pageInfo?.hasNextPage ? ownFinalPull(ctx, { build, defaultBranch }) : null;
  return finalPull({
    number: pull.number,
    merged: pull.merged,
    open: pull.state === 'OPEN',
    url: pull.url,
    autoMerge: pull.autoMergeRequest !== null,
  });
}

/** The newest pull request from the owner's build branch into the default branch, over REST. */
async function ownFinalPull(
  ctx: RepoContext,
  { build, defaultBranch }: { build: string; defaultBranch: string },
): Promise<BuildSnapshot['finalPull']> {
  const { data } = await ctx.octokit.rest.pulls.list({
    owner: ctx.owner,
    repo: ctx.repo,
    head: `${ctx.owner}:${integrationBranch(build)}`,
    base: defaultBranch,
    state: 'all',
    sort: 'created',
    direction: 'desc',
    per_page: 1,
  });
  const found = data[0];
  if (!found) return null;
  return finalPull({
    number: found.number,
    merged: found.merged_at !== null,
    open: found.state === 'open',
    url: found.html_url,
    autoMerge: found.auto_merge !== null,
  });
}

function finalPull(pull: {
  number: number;
  merged: boolean;
  open: boolean;
  url: string;
  autoMerge: boolean;
}): NonNullable<BuildSnapshot['finalPull']> {
  const state = pull.merged ? 'merged' : pull.open ? 'open' : 'closed';
  return { number: pull.number, state, url: pull.url, autoMerge: pull.autoMerge };
}

/**
 * The issue's and open worker PRs' comments from the query; a conversation
 * longer than the query's window is read in full over REST, so no command and
 * no status comment is ever missed.
 */
async function commentLists(
  ctx: RepoContext,
  { issue, repository }: { issue: number; repository: Repository },
): Promise<CommentList[]> {
  const issueNode = repository.issue;
  const sources: {
    source: CommentSource;
    window: { totalCount: number; nodes: GraphComment[] };
  }[] = [
    {
      source: { number: issue, source: { kind: 'issue' } },
      window: issueNode?.comments ?? { totalCount: 0, nodes: [] },
    },
  ];
  for (const pull of repository.pullRequests.nodes) {
    const worker = parseBatonBranch(pull.headRefName);
    if (pull.state !== 'OPEN' || worker?.kind !== 'worker') continue;
    sources.push({
      source: {
        number: pull.number,
        worker: worker.worker,
        source: { kind: 'pull', number: pull.number, worker: worker.worker },
      },
      window: pull.comments,
    });
  }
  const complete = sources.filter(({ window }) => window.totalCount <= window.nodes.length);
  const partial = sources.filter(({ window }) => window.totalCount > window.nodes.length);
  const fetched = await fetchComments(
    ctx,
    partial.map(({ source }) => source),
  );
  const reading = reactionReadingFrom(process.env);
  const read = await Promise.all(
    complete.map(async ({ source, window }) => ({
      source,
      comments: await Promise.all(
        window.nodes.map(async (node) => {
          const comment = {
            id: node.databaseId,
            body: node.body,
            author: loginOf(node.author),
            isBot: node.author?.__typename === 'Bot',
            createdAt: node.createdAt,
          };
          // The query runs as the app, so "the viewer reacted 👀" is Baton's acceptance
          // where GitHub means the app by the viewer (`hasBatonEyesInWindow` finds out).
          const accepted = await hasBatonEyesInWindow(
            ctx,
            {
              ...comment,
              groups: node.reactionGroups,
              ...(source.worker ? { worker: source.worker } : {}),
            },
            reading,
          );
          return { ...comment, accepted };
        }),
      ),
    })),
  );
  return [...read, ...fetched];
}
