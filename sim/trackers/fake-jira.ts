/**
 * A simulated Jira Cloud site, from Atlassian's documentation
 * (https://developer.atlassian.com/cloud/jira/platform/webhooks/, the REST
 * API v3): an admin webhook saved with a secret signs each delivery's raw body
 * with HMAC-SHA256, `sha256=<hex>` in `X-Hub-Signature`, its id in
 * `X-Atlassian-Webhook-Identifier`; a `jira:issue_*` body carries the
 * `timestamp` (ms), the `user` who changed it, the `issue` with its fields and
 * the `changelog` of what changed. `POST /rest/api/3/issue/{key}/comment`
 * takes basic auth of an account's email and API token (401 without), a body
 * in Atlassian's document format (400 otherwise), and answers 404 for an issue
 * the account cannot see.
 */
import {
  deliveryId,
  hmacHex,
  type SignedDelivery,
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
}

export interface JiraComment {
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
    };
    this.issues.set(issue.key, issue);
    return issue;
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
    const expected = `Basic ${Buffer.from(`${this.email}:${this.apiToken}`).toString('base64')}`;
    if (request.headers.authorization !== expected)
      return { status: 401, body: { errorMessages: ['You are not authenticated.'] } };
    const match = /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/.exec(request.path);
    if (!match || request.method !== 'POST')
      return { status: 404, body: { errorMessages: ['Unsupported by the simulator'] } };
    const issue = this.issues.get(decodeURIComponent(match[1] ?? ''));
    if (!issue)
      return {
        status: 404,
        body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] },
      };
    const doc = (
      request.body as { body?: { type?: string; version?: number; content?: unknown } } | null
    )?.body;
    if (doc?.type !== 'doc' || doc.version !== 1 || !Array.isArray(doc.content))
      return { status: 400, body: { errors: { comment: 'Comment body is not valid!' } } };
    this.comments.push({ key: issue.key, text: textOf(doc) });
    return { status: 201, body: { id: String(this.comments.length) } };
  }
}

function textOf(node: unknown): string {
  const one = node as { text?: unknown; content?: unknown };
  if (typeof one?.text === 'string') return one.text;
  return Array.isArray(one?.content) ? one.content.map(textOf).join('') : '';
}
