import { validationRefPrefix } from '../../core/plan/validation.js';
import { adaptationRefPrefix } from '../../core/records/adaptation.js';
import { usageRefPrefix } from '../../core/records/usage.js';
import {
  type MessageRef,
  messageRefPrefix,
  parseMessageRef,
} from '../../core/sessions/messages.js';
import type { ListedUsage } from '../../core/snapshot/usage-ties.js';
import { remembered } from '../../process-memory.js';
import { conditionalReads } from '../client/conditional-reads.js';
import { ImmutableCache } from '../client/immutable-cache.js';
import { LearnedReading, type Reading, readingFrom } from '../client/learned-reading.js';
import { type RepoContext, statusOf } from '../client/types.js';

const BATON_REFS = 'refs/baton/';

/** A hidden ref as the build query lists it: its name under the prefix and its commit's message. */
export interface ListedRecord {
  name: string;
  target: { message?: string };
}

/**
 * How usage, adaptation and validation records (`refs/baton/<build>/usage|adapt|validation/…`) are
 * read: `graphql` (the build query's `refs(refPrefix:)`), `rest`
 * (`git/matching-refs`, then each record's commit), or `auto`: GraphQL, and
 * REST where GraphQL is found not to list refs outside refs/heads and refs/tags
 * (no documentation says it does; `baton doctor` probes it). `BATON_HIDDEN_REFS`
 * sets it; default `auto`.
 */
export type HiddenRefReading = Reading;

export function hiddenRefReadingFrom(env: Record<string, string | undefined>): HiddenRefReading {
  return readingFrom(env.BATON_HIDDEN_REFS);
}

/** Per repository, whether GraphQL lists the records: true once it listed one, false once REST found records it did not list. */
const graphqlLists = remembered(new LearnedReading());

/** A record's commit as REST reads it: its message and committer date (null if GitHub gave none). */
export interface RecordCommit {
  message: string;
  committedAt: string | null;
}

/**
 * Record commits by `owner/repo@sha`. Large enough for every record an
 * installation's day reads keep in sight (a record is some hundred bytes), so a
 * read after the first costs only the records written since.
 */
const commits = remembered(new ImmutableCache<RecordCommit>(50_000));

/** Forgets what was learned (tests). */
export function clearHiddenRefReading(): void {
  graphqlLists.clear();
}

/** What `auto` uses for a repository now, for the log and `baton doctor`. */
export function hiddenRefReadingOf(ctx: { owner: string; repo: string }) {
  return graphqlLists.of(ctx);
}

/**
 * A build's usage records (each with its ref's name under `refs/baton/`, which
 * ties it to a run) and the messages of its adaptation records. GraphQL's
 * lists come from the build query; when they are empty and GraphQL is not
 * known to list hidden refs here, one REST listing tells: records there that
 * GraphQL did not list mean it does not, and they are read over REST from then on.
 */
export async function readHiddenRecords(
  ctx: RepoContext,
  {
    build,
    usage,
    adapt,
    reading = 'auto',
    messages = [],
    validation = [],
  }: {
    build: string;
    usage: ListedRecord[];
    adapt: ListedRecord[];
    /** Milestones' validation records the build query listed (docs/verification.md). */
    validation?: ListedRecord[];
    /** The build's message refs the build query listed (their names under the prefix). */
    messages?: ListedRecord[];
    reading?: HiddenRefReading;
  },
): Promise<{
  usage: ListedUsage[];
  adapt: string[];
  messages: MessageRef[];
  /** Each with its ref's name under `refs/baton/`, which a record must be at (validation-ties.ts). */
  validation: ListedUsage[];
}> {
  const usageName = (name: string) => `${usageRefPrefix(build).slice(BATON_REFS.length)}${name}`;
  const listed = {
    usage: usage.map((node) => ({ ref: usageName(node.name), message: node.target.message ?? '' })),
    adapt: messagesOf(adapt),
    validation: validation.map((node) => ({
      ref: `${validationRefPrefix(build).slice(BATON_REFS.length)}${node.name}`,
      message: node.target.message ?? '',
    })),
    messages: messageRefsOf(
      build,
      messages.map((node) => `${messageRefPrefix(build)}${node.name}`),
    ),
  };
  if (reading === 'graphql') return listed;
  if (
    reading === 'auto' &&
    (usage.length > 0 || adapt.length > 0 || messages.length > 0 || validation.length > 0)
  ) {
    graphqlLists.learn(ctx, true);
    return listed;
  }
  if (reading === 'auto' && graphqlLists.known(ctx) === true) return listed;
  const refs = await listMatchingRefs(ctx, `baton/${build}/`);
  const usagePrefix = usageRefPrefix(build);
  const adaptPrefix = adaptationRefPrefix(build);
  const validationPrefix = validationRefPrefix(build);
  const records = refs.filter(
    (ref) =>
      ref.ref.startsWith(usagePrefix) ||
      ref.ref.startsWith(adaptPrefix) ||
      ref.ref.startsWith(validationPrefix),
  );
  const found = messageRefsOf(
    build,
    refs.map((ref) => ref.ref),
  );
  if (records.length === 0 && found.length === 0) return listed;
  if (reading === 'auto') graphqlLists.learn(ctx, false);
  const commits = await recordCommits(
    ctx,
    records.map((ref) => ({ sha: ref.object.sha, nodeId: ref.node_id })),
  );
  const read = records.map((ref) => ({
    ref: ref.ref,
    message: commits.get(ref.object.sha)?.message ?? '',
  }));
  return {
    messages: found,
    usage: read
      .filter((r) => r.ref.startsWith(usagePrefix))
      .map((r) => ({ ref: r.ref.slice(BATON_REFS.length), message: r.message })),
    adapt: read.filter((r) => r.ref.startsWith(adaptPrefix)).map((r) => r.message),
    validation: read
      .filter((r) => r.ref.startsWith(validationPrefix))
      .map((r) => ({ ref: r.ref.slice(BATON_REFS.length), message: r.message })),
  };
}

/** The message refs among full ref names (src/core/sessions/messages.ts). */
function messageRefsOf(build: string, refs: string[]): MessageRef[] {
  return refs.flatMap((ref) => {
    const message = parseMessageRef(build, ref);
    return message ? [message] : [];
  });
}

function messagesOf(nodes: ListedRecord[]): string[] {
  return nodes.map((node) => node.target.message ?? '');
}

/**
 * Every ref under `refs/<prefix>`, read whole. GitHub's description gives this
 * listing no paging parameters but a `Link` header; GitHub is seen to answer
 * every match at once. Following `Link` costs nothing then and reads on if it pages.
 */
export function listMatchingRefs(
  ctx: Pick<RepoContext, 'octokit' | 'owner' | 'repo'>,
  prefix: string,
): Promise<MatchingRef[]> {
  // Asked conditionally: refs under a prefix seldom change between two reads (a 304 is not counted).
  return conditionalReads.paginate(ctx.octokit, {
    route: 'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
    params: { owner: ctx.owner, repo: ctx.repo, ref: prefix },
    pick: (data) =>
      (Array.isArray(data) ? (data as MatchingRef[]) : []).map((ref) => ({
        ref: ref.ref,
        ...(ref.node_id ? { node_id: ref.node_id } : {}),
        object: { sha: ref.object.sha },
      })),
  });
}

/** A ref as `git/matching-refs` lists it, with what Baton reads of it. */
export interface MatchingRef {
  ref: string;
  node_id?: string;
  object: { sha: string };
}

/** A record's commit message and date; a commit never changes, so it is read once. */
export function recordCommit(
  ctx: Pick<RepoContext, 'octokit' | 'owner' | 'repo'>,
  sha: string,
): Promise<RecordCommit> {
  return commits.get(`${ctx.owner}/${ctx.repo}@${sha}`, async () => {
    const { data } = await ctx.octokit.request(
      'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
      { owner: ctx.owner, repo: ctx.repo, commit_sha: sha },
    );
    return { message: data.message, committedAt: data.committer?.date ?? null };
  });
}

/**
 * Record refs' commits by their GraphQL node ids (`node_id` in the REST
 * listing), a hundred refs a request. Whether GitHub resolves the id of a
 * ref outside refs/heads and refs/tags no documentation says: what it does not
 * answer is read over REST.
 */
export const RECORD_COMMITS_QUERY = /* GraphQL */ `
  query BatonRecordCommits($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Ref { target { ... on Commit { oid message committedDate } } }
    }
  }
`;

type RecordCommitsResult = {
  nodes: ({ target?: { oid?: string; message?: string; committedDate?: string } | null } | null)[];
};

/** Ids a `nodes(ids:)` request takes at most (GitHub's limit). */
const IDS_PER_REQUEST = 100;
/** REST commit reads at once, for what GraphQL did not answer. */
const REST_READS_AT_ONCE = 8;

/**
 * The commits of many records, by sha: those read before from the cache, the
 * rest by GraphQL a hundred a request (one point each), and what GraphQL did
 * not answer one REST read each. A first read of a repository's long history
 * costs a request per hundred records, not one per record.
 */
export async function recordCommits(
  ctx: Pick<RepoContext, 'octokit' | 'owner' | 'repo'>,
  refs: readonly { sha: string; nodeId?: string | undefined }[],
): Promise<Map<string, RecordCommit>> {
  const keyOf = (sha: string) => `${ctx.owner}/${ctx.repo}@${sha}`;
  const found = new Map<string, RecordCommit>();
  for (const { sha } of refs) {
    const hit = commits.peek(keyOf(sha));
    if (hit) found.set(sha, hit);
  }
  const unknown = refs.filter(({ sha, nodeId }) => nodeId && !found.has(sha));
  for (let i = 0; i < unknown.length; i += IDS_PER_REQUEST) {
    const batch = unknown.slice(i, i + IDS_PER_REQUEST);
    const nodes = await graphqlNodes(
      ctx,
      batch.map(({ nodeId }) => nodeId as string),
    );
    batch.forEach(({ sha }, index) => {
      const target = nodes[index]?.target;
      // A ref whose commit is not the listed one moved between the two reads: REST reads the listed one.
      if (target?.oid !== sha || typeof target.message !== 'string') return;
      const commit = { message: target.message, committedAt: target.committedDate ?? null };
      found.set(sha, commit);
      commits.set(keyOf(sha), commit);
    });
  }
  const rest = [...new Set(refs.map(({ sha }) => sha).filter((sha) => !found.has(sha)))];
  for (let i = 0; i < rest.length; i += REST_READS_AT_ONCE) {
    const read = await Promise.all(
      rest
        .slice(i, i + REST_READS_AT_ONCE)
        .map(async (sha) => [sha, await recordCommit(ctx, sha)] as const),
    );
    for (const [sha, commit] of read) found.set(sha, commit);
  }
  return found;
}

/** `nodes(ids:)`; an id GitHub cannot resolve is an error beside the data, whose other nodes still count. */
async function graphqlNodes(
  ctx: Pick<RepoContext, 'octokit'>,
  ids: string[],
): Promise<RecordCommitsResult['nodes']> {
  try {
    return (await ctx.octokit.graphql<RecordCommitsResult>(RECORD_COMMITS_QUERY, { ids })).nodes;
  } catch (error) {
    const data = (error as { data?: Partial<RecordCommitsResult> } | null)?.data;
    if (Array.isArray(data?.nodes)) return data.nodes;
    if (statusOf(error) !== null || data !== undefined) return [];
    throw error;
  }
}
