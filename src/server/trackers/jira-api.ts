/**
 * Baton's comment and the done move on a Jira Cloud issue, through the REST
 * API v3 with basic auth of an account's email and API token:
 * `GET /rest/api/3/myself` (the account's `accountId`),
 * `GET /rest/api/3/issue/{key}/comment` (paged by `startAt`, each comment's
 * `author` and its body in Atlassian's document format), `POST …/comment`,
 * `PUT …/comment/{id}`; `GET /rest/api/3/issue/{key}?fields=status` (its
 * status's `statusCategory.key`, `done` when done), `GET …/transitions` (each
 * one's `to.statusCategory`) and `POST …/transitions` with the transition's
 * id. A refusal throws a `TrackerRefusal`: 401 without valid credentials, 404
 * for an issue the account cannot see, 429 with `Retry-After` (seconds). An
 * epic's children: `POST /rest/api/3/search/jql` of `parent = KEY` (an epic's
 * child issues and an issue's sub-tasks), with each one's status and links.
 */
import type { DoneMove } from '../../core/trackers/tracker-echo-text.js';
import { retryOf, TRACKER_CALL_MS, type TrackerApi, TrackerRefusal } from './tracker-api.js';
import { CHILDREN_READ, readJiraChildren } from './tracker-children.js';

/** The most pages of an issue's comments read looking for Baton's (a hundred each). */
const COMMENT_PAGES = 5;

export interface JiraCredentials {
  site: string;
  email: string;
  apiToken: string;
}

interface JiraComment {
  id: string;
  author?: { accountId?: string };
  body?: unknown;
}

/** Jira's API on `site` as the account of `email` and `apiToken`. */
export function jiraApi(credentials: JiraCredentials, fetcher: typeof fetch = fetch): TrackerApi {
  const call = (method: string, path: string, body?: object) =>
    jiraCall({ ...credentials, fetcher }, method, path, body);
  let me: string | null = null;
  const myself = async () => {
    me ??= ((await call('GET', '/rest/api/3/myself')) as { accountId: string }).accountId;
    return me;
  };
  return {
    async say(key, lines) {
      await call('POST', `/rest/api/3/issue/${encodeURIComponent(key)}/comment`, {
        body: documentOf(lines),
      });
    },
    async comment(key, marker, lines, mode) {
      const issue = `/rest/api/3/issue/${encodeURIComponent(key)}`;
      const account = await myself();
      let found: JiraComment | undefined;
      for (let page = 0, startAt = 0; page < COMMENT_PAGES && !found; page++) {
        const listed = (await call(
          'GET',
          `${issue}/comment?startAt=${startAt}&maxResults=100`,
        )) as {
          comments?: JiraComment[];
          total?: number;
        };
        const comments = listed.comments ?? [];
        found = comments.find(
          (one) => one.author?.accountId === account && linesOf(one.body)[0] === marker,
        );
        startAt += comments.length;
        if (comments.length === 0 || startAt >= (listed.total ?? 0)) break;
      }
      if (!found) {
        await call('POST', `${issue}/comment`, { body: documentOf(lines) });
        return 'created';
      }
      if (mode === 'ensure' || linesOf(found.body).join('\n') === lines.join('\n'))
        return 'unchanged';
      await call('PUT', `${issue}/comment/${encodeURIComponent(found.id)}`, {
        body: documentOf(lines),
      });
      return 'edited';
    },
    async moveToDone(key): Promise<DoneMove> {
      const issue = `/rest/api/3/issue/${encodeURIComponent(key)}`;
      const read = (await call('GET', `${issue}?fields=status`)) as {
        fields?: { status?: { statusCategory?: { key?: string } } };
      };
      if (read.fields?.status?.statusCategory?.key === 'done') return { kind: 'done' };
      const { transitions = [] } = (await call('GET', `${issue}/transitions`)) as {
        transitions?: { id: string; to?: { statusCategory?: { key?: string } } }[];
      };
      const done = transitions.find((one) => one.to?.statusCategory?.key === 'done');
      if (!done) return { kind: 'not-moved', why: 'no-done-transition' };
      await call('POST', `${issue}/transitions`, { transition: { id: done.id } });
      return { kind: 'done' };
    },
    async children(key) {
      // The key is a key (`TrackerKey`), so the query says nothing but the parent.
      const found = (await call('POST', '/rest/api/3/search/jql', {
        jql: `parent = ${key} ORDER BY Rank ASC`,
        fields: ['summary', 'description', 'project', 'status', 'issuelinks'],
        maxResults: CHILDREN_READ,
      })) as { issues?: unknown; isLast?: unknown } | null;
      // Enhanced search says `isLast` of its page; anything else is read as more left.
      return {
        children: readJiraChildren(found?.issues, credentials.site),
        more: found?.isLast !== true,
      };
    },
  };
}

/** Lines as a document in Atlassian's format: a paragraph each. */
export function documentOf(lines: string[]): object {
  return {
    type: 'doc',
    version: 1,
    content: lines.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
  };
}

/** A document's paragraphs as lines of text. */
function linesOf(doc: unknown): string[] {
  const content = (doc as { content?: unknown } | null)?.content;
  return Array.isArray(content) ? content.map(textOf) : [];
}

function textOf(node: unknown): string {
  const one = node as { text?: unknown; content?: unknown } | null;
  if (typeof one?.text === 'string') return one.text;
  return Array.isArray(one?.content) ? one.content.map(textOf).join('') : '';
}

/** One call of Jira's REST API; its JSON answer (null for none), or a `TrackerRefusal`. */
export async function jiraCall(
  { site, email, apiToken, fetcher }: JiraCredentials & { fetcher: typeof fetch },
  method: string,
  path: string,
  body?: object,
): Promise<unknown> {
  const response = await fetcher(`${site}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`,
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(TRACKER_CALL_MS),
  });
  if (!response.ok)
    throw new TrackerRefusal(`Jira refused ${method} (${response.status})`, {
      status: response.status,
      ...(response.status === 429 ? retryOf(response.headers) : {}),
    });
  if (response.status === 204) return null;
  return response.json().catch(() => null);
}
