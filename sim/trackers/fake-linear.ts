/**
 * A simulated Linear, from its developer documentation
 * (https://linear.app/developers/webhooks, .../graphql): webhooks signed with
 * the webhook's secret, the hex HMAC-SHA256 of the raw body in
 * `Linear-Signature`, the send time in the body's `webhookTimestamp` (ms), the
 * delivery's id in `Linear-Delivery`; an `Issue` webhook carries the issue
 * (`data`, with its team and labels), the `actor` who changed it and, on an
 * update, the changed fields' old values in `updatedFrom`. Its GraphQL API
 * takes an API key as the `Authorization` header (refused without it:
 * `AUTHENTICATION_ERROR`), and here answers `commentCreate` on a known issue
 * (an unknown one: `Entity not found`).
 */
import {
  deliveryId,
  hmacHex,
  type SignedDelivery,
  type TrackerRequest,
  type TrackerResponse,
} from './tracker-request.js';

export interface LinearUser {
  id: string;
  name: string;
}

export interface LinearIssue {
  id: string;
  identifier: string;
  title: string;
  description: string;
  team: string;
  labels: { id: string; name: string }[];
}

export interface LinearComment {
  issueId: string;
  body: string;
}

export class FakeLinear {
  readonly secret = 'linear-webhook-secret';
  readonly apiKey = 'lin_api_test';
  readonly workspace = 'acme';
  readonly issues = new Map<string, LinearIssue>();
  readonly comments: LinearComment[] = [];
  readonly log: TrackerRequest[] = [];
  #labels = new Map<string, string>();
  #count = 0;

  readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** A new issue of `team`, with no label. */
  issue(
    team: string,
    { title, description = '' }: { title: string; description?: string },
  ): LinearIssue {
    this.#count += 1;
    const issue: LinearIssue = {
      id: `issue-${this.#count}`,
      identifier: `${team}-${this.#count}`,
      title,
      description,
      team,
      labels: [],
    };
    this.issues.set(issue.id, issue);
    return issue;
  }

  /** The webhook of `actor` giving `issue` the label `name`, signed with the secret. */
  label(issue: LinearIssue, name: string, actor: LinearUser): SignedDelivery {
    const before = issue.labels.map((label) => label.id);
    issue.labels.push({ id: this.#labelId(name), name });
    return this.delivery(issue, actor, { action: 'update', updatedFrom: { labelIds: before } });
  }

  /** The `Issue` webhook of `issue` as it is now, signed (`secret` another to forge one). */
  delivery(
    issue: LinearIssue,
    actor: LinearUser,
    {
      action = 'update',
      updatedFrom,
      secret = this.secret,
      at = this.now(),
    }: { action?: 'create' | 'update'; updatedFrom?: object; secret?: string; at?: number } = {},
  ): SignedDelivery {
    const body = JSON.stringify({
      action,
      type: 'Issue',
      createdAt: new Date(at).toISOString(),
      actor: { id: actor.id, name: actor.name, type: 'user' },
      data: {
        id: issue.id,
        identifier: issue.identifier,
        title: issue.title,
        description: issue.description,
        url: `https://linear.app/${this.workspace}/issue/${issue.identifier}/${slug(issue.title)}`,
        team: { id: `team-${issue.team}`, key: issue.team },
        labelIds: issue.labels.map((label) => label.id),
        labels: issue.labels.map((label) => ({ ...label, color: '#5e6ad2' })),
      },
      ...(updatedFrom ? { updatedFrom } : {}),
      url: `https://linear.app/${this.workspace}/issue/${issue.identifier}`,
      webhookTimestamp: at,
      webhookId: 'webhook-1',
      organizationId: 'org-1',
    });
    return {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'linear-delivery': deliveryId(),
        'linear-event': 'Issue',
        'linear-signature': hmacHex(secret, body),
        'user-agent': 'Linear-Webhook',
      },
      body,
    };
  }

  /** Linear's GraphQL API at https://api.linear.app/graphql. */
  handle(request: TrackerRequest): TrackerResponse {
    this.log.push(request);
    if (request.method !== 'POST' || request.path !== '/graphql')
      return { status: 404, body: { errors: [{ message: 'Not found' }] } };
    if (request.headers.authorization !== this.apiKey)
      return {
        status: 401,
        body: {
          errors: [
            {
              message: 'Authentication required, not authenticated',
              extensions: { code: 'AUTHENTICATION_ERROR' },
            },
          ],
        },
      };
    const { query, variables } = (request.body ?? {}) as {
      query?: string;
      variables?: { input?: { issueId?: string; body?: string } };
    };
    if (!query?.includes('commentCreate'))
      return { status: 400, body: { errors: [{ message: 'Unsupported by the simulator' }] } };
    const input = variables?.input;
    const issue = [...this.issues.values()].find(
      (one) => one.id === input?.issueId || one.identifier === input?.issueId,
    );
    if (!issue || typeof input?.body !== 'string')
      return {
        status: 200,
        body: {
          data: null,
          errors: [{ message: 'Entity not found: Issue', extensions: { code: 'INVALID_INPUT' } }],
        },
      };
    this.comments.push({ issueId: issue.id, body: input.body });
    return { status: 200, body: { data: { commentCreate: { success: true } } } };
  }

  #labelId(name: string): string {
    let id = this.#labels.get(name);
    if (!id) {
      id = `label-${this.#labels.size + 1}`;
      this.#labels.set(name, id);
    }
    return id;
  }
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}
