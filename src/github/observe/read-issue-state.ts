import type {
  BuildSnapshot,
  IssueClose,
  IssueStateChange,
  PullInfo,
} from '../../core/snapshot/snapshot.js';
import { integrationBranch } from '../../core/vocabulary/ids.js';
import type { RepoContext } from '../client/types.js';
import { type BuildQueryResult, type GraphStateEvents, loginOf } from './build-query.js';
import { hasWriteAccess } from './permissions.js';
import { readBuildPage } from './read-build-graph.js';
import { mergeStateOf } from './read-pulls.js';

/**
 * Who steers the build and how its issue ends, as GitHub shows them: who
 * added its labels, who closed and reopened it (from the timeline, never from
 * a webhook's payload, each account's permission asked as for a command), and
 * the build's final pull request, whose merge closes it.
 */

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
export async function readLabelEvents(
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
export async function readStateChanges(
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
export function latestClose(changes: IssueStateChange[]): IssueClose {
  const close = changes.filter((change) => change.kind === 'closed').at(-1);
  if (!close) return { by: null, at: null, byPull: null, maySteer: false };
  const { kind: _kind, ...rest } = close;
  return rest;
}

/**
 * The build's final pull request: the newest from the build branch into the
 * default branch whose head is in this repository. A fork may name its branch
 * `baton/<build>/integration` too; its pull request is never the build's (Baton
 * would enable auto-merge on it, or read the build as ended when it closes).
 * When forks' pull requests fill the query's window, REST's `head` filter,
 * which takes the repository owner's branch only, finds the build's.
 */
export async function readFinalPull(
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
    ...(pull.mergeStateStatus && pull.state === 'OPEN'
      ? { mergeState: mergeStateOf(pull.mergeStateStatus) }
      : {}),
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
  mergeState?: PullInfo['mergeState'];
}): NonNullable<BuildSnapshot['finalPull']> {
  const state = pull.merged ? 'merged' : pull.open ? 'open' : 'closed';
  const { number, url, autoMerge, mergeState } = pull;
  return { number, state, url, autoMerge, ...(mergeState ? { mergeState } : {}) };
}
