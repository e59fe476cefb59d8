/**
 * A simulated Jira Cloud site, from Atlassian's documentation
 * (https://developer.atlassian.com/cloud/jira/platform/webhooks/, the REST
 * API v3): an admin webhook saved with a secret signs each delivery's raw body
 * with HMAC-SHA256, `sha256=<hex>` in `X-Hub-Signature`, its id in
 * `X-Atlassian-Webhook-Identifier`; a `jira:issue_*` body carries the
 * `timestamp` (ms), the `user` who changed it, the `issue` with its fields and
 * the `changelog` of what changed. Its REST API takes basic auth of an
 * account's email and API token (401 without) and answers 404 for an issue the
 * account cannot see: `GET /rest/api/3/myself`; an issue's comments listed
 * (`startAt`, `maxResults` up to 100, `total`), created (`POST`, a body in
 * Atlassian's document format, 400 otherwise) and edited (`PUT`, only the
 * account's own: 403); `GET /rest/api/3/issue/{key}` with its status's
 * category; its `transitions` listed and taken (`POST`, 204; an id not
 * available: 400). Its rate limit answers 429 with `Retry-After` (seconds).
 * `POST /rest/api/3/search/jql` answers `parent = KEY` with the issue's
 * children (an epic's issues, sub-tasks), each with its status and its
 * `issuelinks` (a "Blocks" link: `outwardIssue` on the blocker's side,
 * `inwardIssue` on the blocked one's); any other query: 400.
 */
import {
  deliveryId,
  hmacHex,
  type SignedDelivery,
  type TrackerRefusing,
  type TrackerRequest,
  type TrackerResponse,
} from './tracker-request.js';

export interface JiraUser {
  accountId: string;
  displayName: string;
}

export interface JiraIssue {
  id: string;
  key: string;
  summary: string;
  description: string;
  project: string;
  labels: string[];
  /** Its status's name, one of the workflow's. */
  status: string;
  /** Its parent's key, where it is an epic's child or a sub-task. */
  parent?: string;
  /** The keys of the issues it blocks ("Blocks" links). */
  blocks: string[];
}

export interface JiraComment {
  id: string;
  key: string;
  /** Its paragraphs' text, a line each. */
  text: string;
  authorId: string;
}

/** A status of the project's workflow and its category (`done` is done). */
export interface JiraStatus {
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

/** What Baton's account wrote, in order. */
export interface JiraWrite {
  kind: 'comment-created' | 'comment-edited' | 'transitioned';
  key: string;
  text: string;
}

export class FakeJira {
  readonly site = 'https://acme.atlassian.net';
  readonly secret = 'jira-webhook-secret';
  readonly email = 'baton@example.com';
  readonly apiToken = 'jira-api-token';
  readonly issues = new Map<string, JiraIssue>();
  readonly comments: JiraComment[] = [];
  readonly log: TrackerRequest[] = [];
  /** What Baton's account wrote through the API. */
  readonly writes: JiraWrite[] = [];
  /** The account Baton's email and token are. */
  readonly account: JiraUser = { accountId: '5b10:baton', displayName: 'Baton' };
  /** The project's workflow: every status reachable from every other (a test may take Done out). */
  workflow: JiraStatus[] = [
    { name: 'To Do', category: 'new' },
    { name: 'In Progress', category: 'indeterminate' },
    { name: 'Done', category: 'done' },
  ];
  /** A refusal the next API calls get. */
  refusing: TrackerRefusing | null = null;
  #count = 0;

  readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  issue(
    project: string,
    { summary, description = '' }: { summary: string; description?: string },
  ): JiraIssue {
    this.#count += 1;
    const issue: JiraIssue = {
      id: String(10_000 + this.#count),
      key: `${project}-${this.#count}`,
      summary,
      description,
      project,
      labels: [],
      status: 'To Do',
      blocks: [],
    };
    this.issues.set(issue.key, issue);
    return issue;
  }

  /** A new issue of `project`, a child of `parent`. */
  child(
    parent: JiraIssue,
    project: string,
    text: { summary: string; description?: string },
  ): JiraIssue {
    const child = this.issue(project, text);
    child.parent = parent.key;
    return child;
  }

  /** The link "`blocker` blocks `blocked`". */
  block(blocker: JiraIssue, blocked: JiraIssue): void {
    blocker.blocks.push(blocked.key);
  }

  /** The webhook of `user` adding the label `name` to `issue`, signed with the secret. */
  label(
    issue: JiraIssue,
    name: string,
    user: JiraUser,
    { secret = this.secret } = {},
  ): SignedDelivery {
    const before = issue.labels.join(' ');
    issue.labels.push(name);
    return this.delivery(issue, user, {
      secret,
      changelog: [
        {
          field: 'labels',
          fieldtype: 'jira',
          fromString: before,
          toString: issue.labels.join(' '),
        },
      ],
    });
  }

  delivery(
    issue: JiraIssue,
    user: JiraUser,
    {
      secret = this.secret,
      changelog = [],
      at = this.now(),
    }: { secret?: string; changelog?: object[]; at?: number } = {},
  ): SignedDelivery {
    const body = JSON.stringify({
      timestamp: at,
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_updated',
      user: { accountId: user.accountId, displayName: user.displayName, active: true },
      issue: {
        id: issue.id,
        self: `${this.site}/rest/api/2/issue/${issue.id}`,
        key: issue.key,
        fields: {
          summary: issue.summary,
          description: issue.description,
          labels: [...issue.labels],
          project: { key: issue.project, name: issue.project },
        },
      },
      changelog: { id: String(this.#count), items: changelog },
    });
    return {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-atlassian-webhook-identifier': deliveryId(),
        'x-hub-signature': `sha256=${hmacHex(secret, body)}`,
      },
      body,
    };
  }

  /** Jira's REST API on the site. */
  handle(request: TrackerRequest): TrackerResponse {
    this.log.push(request);
    const refused = this.#refusal();
    if (refused) return refused;
    const expected = `Basic ${Buffer.from(`${this.email}:${this.apiToken}`).toString('base64')}`;
    if (request.headers.authorization !== expected)
      return { status: 401, body: { errorMessages: ['You are not authenticated.'] } };
    const { method, path } = request;
    if (method === 'GET' && path === '/rest/api/3/myself')
      return {
        status: 200,
        body: {
          accountId: this.account.accountId,
          displayName: this.account.displayName,
          active: true,
        },
      };
    if (method === 'POST' && path === '/rest/api/3/search/jql') return this.#search(request);
    const match = /^\/rest\/api\/3\/issue\/([^/]+)(?:\/(comment|transitions))?(?:\/([^/]+))?$/.exec(
      path,
    );
    const issue = this.issues.get(decodeURIComponent(match?.[1] ?? ''));
    if (!match || !issue)
      return {
        status: 404,
        body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] },
      };
    const [, , part, id] = match;
    if (part === 'comment') return this.#comments(request, issue, id);
    if (part === 'transitions' && !id) return this.#transitions(request, issue);
    if (!part && method === 'GET')
      return {
        status: 200,
        body: {
          id: issue.id,
          key: issue.key,
          fields: {
            status: { name: issue.status, statusCategory: { key: this.#category(issue.status) } },
          },
        },
      };
    return { status: 405, body: { errorMessages: ['Unsupported by the simulator'] } };
  }

  /** A comment by `author` on `issue` (a person's, or Baton's through the API), its text a paragraph a line. */
  comment(issue: JiraIssue, author: JiraUser, text: string): JiraComment {
    const comment: JiraComment = {
      id: String(10_000 + this.comments.length + 1),
      key: issue.key,
      text,
      authorId: author.accountId,
    };
    this.comments.push(comment);
    return comment;
  }

  #comments(request: TrackerRequest, issue: JiraIssue, id: string | undefined): TrackerResponse {
    if (request.method === 'GET' && !id) {
      const url = new URL(`https://x${request.query ?? ''}`);
      const startAt = Number(url.searchParams.get('startAt') ?? 0);
      const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 5000), 100);
      const all = this.comments.filter((one) => one.key === issue.key);
      return {
        status: 200,
        body: {
          startAt,
          maxResults,
          total: all.length,
          comments: all.slice(startAt, startAt + maxResults).map((one) => ({
            id: one.id,
            author: { accountId: one.authorId },
            body: {
              type: 'doc',
              version: 1,
              content: one.text
                .split('\n')
                .map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
            },
          })),
        },
      };
    }
    const doc = (
      request.body as { body?: { type?: string; version?: number; content?: unknown } } | null
    )?.body;
    if (doc?.type !== 'doc' || doc.version !== 1 || !Array.isArray(doc.content))
      return { status: 400, body: { errors: { comment: 'Comment body is not valid!' } } };
    const text = doc.content.map(textOf).join('\n');
    if (request.method === 'POST' && !id) {
      const made = this.comment(issue, this.account, text);
      this.writes.push({ kind: 'comment-created', key: issue.key, text });
      return { status: 201, body: { id: made.id } };
    }
    const comment = this.comments.find((one) => one.id === id && one.key === issue.key);
    if (request.method !== 'PUT' || !comment)
      return { status: 404, body: { errorMessages: ['Can not find a comment for the id.'] } };
    if (comment.authorId !== this.account.accountId)
      return {
        status: 403,
        body: { errorMessages: ['You do not have the permission to edit this comment.'] },
      };
    comment.text = text;
    this.writes.push({ kind: 'comment-edited', key: issue.key, text });
    return { status: 200, body: { id: comment.id } };
  }

  #transitions(request: TrackerRequest, issue: JiraIssue): TrackerResponse {
    const available = this.workflow
      .filter((status) => status.name !== issue.status)
      .map((status, index) => ({
        id: String(11 + index * 10),
        name: `To ${status.name}`,
        to: { name: status.name, statusCategory: { key: status.category } },
      }));
    if (request.method === 'GET') return { status: 200, body: { transitions: available } };
    const wanted = (request.body as { transition?: { id?: string } } | null)?.transition?.id;
    const transition = available.find((one) => one.id === wanted);
    if (request.method !== 'POST' || !transition)
      return {
        status: 400,
        body: { errorMessages: ['Transition id is not valid for this issue.'] },
      };
    issue.status = transition.to.name;
    this.writes.push({ kind: 'transitioned', key: issue.key, text: transition.to.name });
    return { status: 204, body: undefined };
  }

  #search(request: TrackerRequest): TrackerResponse {
    const jql = (request.body as { jql?: string } | null)?.jql ?? '';
    const parent = /^parent = ([A-Za-z][\w]*-\d+)(?: ORDER BY Rank ASC)?$/.exec(jql)?.[1];
    if (!parent)
      return { status: 400, body: { errorMessages: ['The simulator reads only parent = KEY.'] } };
    const children = [...this.issues.values()].filter((one) => one.parent === parent);
    const { maxResults = 50 } = (request.body as { maxResults?: number } | null) ?? {};
    const page = Math.min(maxResults, 100);
    const link = (key: string, side: 'inwardIssue' | 'outwardIssue') => ({
      type: { name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
      [side]: { key },
    });
    return {
      status: 200,
      body: {
        isLast: children.length <= page,
        issues: children.slice(0, page).map((one) => ({
          id: one.id,
          key: one.key,
          fields: {
            summary: one.summary,
            description: one.description,
            project: { key: one.project },
            status: { name: one.status, statusCategory: { key: this.#category(one.status) } },
            issuelinks: [
              ...one.blocks.map((key) => link(key, 'outwardIssue')),
              ...[...this.issues.values()]
                .filter((other) => other.blocks.includes(one.key))
                .map((other) => link(other.key, 'inwardIssue')),
            ],
          },
        })),
      },
    };
  }

  #category(status: string): string {
    return this.workflow.find((one) => one.name === status)?.category ?? 'new';
  }

  /** The refusal the test asked for, once per call while it lasts. */
  #refusal(): TrackerResponse | null {
    const refusing = this.refusing;
    if (!refusing || refusing.times <= 0) return null;
    refusing.times -= 1;
    if (refusing.kind === 'unauthenticated')
      return { status: 401, body: { errorMessages: ['You are not authenticated.'] } };
    return {
      status: 429,
      body: { errorMessages: ['Rate limit exceeded.'] },
      headers: { 'retry-after': String(Math.ceil((refusing.waitMs ?? 60_000) / 1000)) },
    };
  }
}

function textOf(node: unknown): string {
  const one = node as { text?: unknown; content?: unknown };
  if (typeof one?.text === 'string') return one.text;
  return Array.isArray(one?.content) ? one.content.map(textOf).join('') : '';
}
