/**
 * Baton's comment and the done move on a Linear issue, through Linear's
 * GraphQL API (https://api.linear.app/graphql, the API key as the
 * `Authorization` header): `issue(id)` takes the issue's id or its key
 * (`ENG-12`) and lists its `comments` with each one's `user`; `viewer` is the
 * key's own user; `commentCreate`, `commentUpdate(id, input: { body })`;
 * `issueUpdate(id, input: { stateId })` with a state of the issue's team
 * (`team { states }`, each with its `type`: `completed` is done). A refusal
 * throws a `TrackerRefusal`: 401 without a valid key, an `errors` answer (an
 * unknown issue: `Entity not found`), `RATELIMITED` with the time its bucket
 * refills (`X-RateLimit-Requests-Reset`, ms), or 429 with `Retry-After`.
 */
import type { DoneMove } from '../../core/trackers/tracker-echo-text.js';
import { retryOf, TRACKER_CALL_MS, type TrackerApi, TrackerRefusal } from './tracker-api.js';
import { CHILDREN_READ, readLinearChildren } from './tracker-children.js';

/** Linear's GraphQL endpoint. */
export const LINEAR_API = 'https://api.linear.app/graphql';

/** The most pages of an issue's comments read looking for Baton's. */
const COMMENT_PAGES = 5;

const READ_COMMENTS =
  'query BatonTrackerComments($id: String!, $after: String) { viewer { id } issue(id: $id) { id comments(first: 100, after: $after) { nodes { id body user { id } } pageInfo { hasNextPage endCursor } } } }';
const CREATE =
  'mutation BatonComment($input: CommentCreateInput!) { commentCreate(input: $input) { success } }';
const UPDATE =
  'mutation BatonCommentUpdate($id: String!, $input: CommentUpdateInput!) { commentUpdate(id: $id, input: $input) { success } }';
const READ_STATES =
  'query BatonTrackerStates($id: String!) { issue(id: $id) { id state { type } team { states { nodes { id type } } } } }';
const MOVE =
  'mutation BatonTrackerDone($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success } }';

const READ_CHILDREN = `query BatonTrackerChildren($id: String!) { issue(id: $id) { id children(first: ${CHILDREN_READ}) { pageInfo { hasNextPage } nodes { identifier title description url team { key } state { type } relations(first: 50) { nodes { type relatedIssue { identifier } } } } } } }`;

interface LinearComment {
  id: string;
  body: string;
  user: { id: string } | null;
}

/** Linear's credentials: its API key, and the GraphQL endpoint (`LINEAR_API` unless the operator named another). */
export interface LinearCredentials {
  apiKey: string;
  endpoint?: string;
}

/** Linear's API for the key `apiKey`, at `endpoint`. */
export function linearApi(
  credentials: LinearCredentials,
  fetcher: typeof fetch = fetch,
): TrackerApi {
  const call = (query: string, variables: object) =>
    linearCall({ ...credentials, fetcher }, query, variables);
  return {
    async say(key, lines) {
      await call(CREATE, { input: { issueId: key, body: lines.join('\n\n') } }).then(
        succeeded('commentCreate'),
      );
    },
    async comment(key, marker, lines, mode) {
      const body = lines.join('\n\n');
      const found = await ownComment(call, key, marker);
      if (!found.comment) {
        await call(CREATE, { input: { issueId: found.issueId, body } }).then(
          succeeded('commentCreate'),
        );
        return 'created';
      }
      if (mode === 'ensure' || found.comment.body === body) return 'unchanged';
      await call(UPDATE, { id: found.comment.id, input: { body } }).then(
        succeeded('commentUpdate'),
      );
      return 'edited';
    },
    async moveToDone(key): Promise<DoneMove> {
      const data = (await call(READ_STATES, { id: key })) as {
        issue?: {
          id: string;
          state?: { type?: string } | null;
          team?: { states?: { nodes?: { id: string; type?: string }[] } } | null;
        } | null;
      };
      const issue = data.issue;
      if (!issue) throw new TrackerRefusal('Linear: no such issue', { status: 404 });
      if (issue.state?.type === 'completed') return { kind: 'done' };
      if (issue.state?.type === 'canceled') return { kind: 'cancelled' };
      const done = issue.team?.states?.nodes?.find((state) => state.type === 'completed');
      if (!done) return { kind: 'not-moved', why: 'no-done-state' };
      await call(MOVE, { id: issue.id, input: { stateId: done.id } }).then(
        succeeded('issueUpdate'),
      );
      return { kind: 'done' };
    },
    async children(key) {
      const data = (await call(READ_CHILDREN, { id: key })) as {
        issue?: {
          children?: { nodes?: unknown; pageInfo?: { hasNextPage?: unknown } | null } | null;
        } | null;
      };
      if (!data.issue) throw new TrackerRefusal('Linear: no such issue', { status: 404 });
      const { children } = data.issue;
      return {
        children: readLinearChildren(children?.nodes),
        more: children?.pageInfo?.hasNextPage === true,
      };
    },
  };
}

/** The issue's id, and its comment whose first line is `marker`, by the key's own user. */
async function ownComment(
  call: (query: string, variables: object) => Promise<unknown>,
  key: string,
  marker: string,
): Promise<{ issueId: string; comment: LinearComment | null }> {
  let after: string | null = null;
  let issueId = key;
  for (let page = 0; page < COMMENT_PAGES; page++) {
    const data = (await call(READ_COMMENTS, { id: key, after })) as {
      viewer?: { id: string };
      issue?: {
        id: string;
        comments?: {
          nodes?: LinearComment[];
          pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
        };
      } | null;
    };
    if (!data.issue || !data.viewer)
      throw new TrackerRefusal('Linear: no such issue', { status: 404 });
    issueId = data.issue.id;
    const viewer = data.viewer.id;
    const comment = (data.issue.comments?.nodes ?? []).find(
      (one) => one.user?.id === viewer && one.body.split('\n')[0] === marker,
    );
    if (comment) return { issueId, comment };
    const info = data.issue.comments?.pageInfo;
    if (!info?.hasNextPage || !info.endCursor) break;
    after = info.endCursor;
  }
  return { issueId, comment: null };
}

function succeeded(field: string) {
  return (data: unknown) => {
    if (!(data as Record<string, { success?: boolean } | undefined>)[field]?.success)
      throw new TrackerRefusal(`Linear: ${field} did not succeed`, { status: 200 });
  };
}

/** One GraphQL call; its `data`, or a `TrackerRefusal`. */
export async function linearCall(
  { apiKey, endpoint = LINEAR_API, fetcher }: LinearCredentials & { fetcher: typeof fetch },
  query: string,
  variables: object,
): Promise<unknown> {
  const response = await fetcher(endpoint, {
    method: 'POST',
    headers: { authorization: apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(TRACKER_CALL_MS),
  });
  const answer = (await response.json().catch(() => ({}))) as {
    data?: unknown;
    errors?: { message?: string; extensions?: { code?: string } }[];
  };
  const error = answer.errors?.[0];
  if (response.ok && !error && answer.data) return answer.data;
  const limited = response.status === 429 || error?.extensions?.code === 'RATELIMITED';
  throw new TrackerRefusal(
    `Linear refused (${response.status}): ${error?.extensions?.code ?? error?.message ?? 'no data'}`,
    {
      status: response.status,
      ...(limited ? retryOf(response.headers, 'x-ratelimit-requests-reset') : {}),
    },
  );
}
