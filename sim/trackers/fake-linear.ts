/**
 * A simulated Linear, from its developer documentation
 * (https://linear.app/developers/webhooks, .../graphql): webhooks signed with
 * the webhook's secret, the hex HMAC-SHA256 of the raw body in
 * `Linear-Signature`, the send time in the body's `webhookTimestamp` (ms), the
 * delivery's id in `Linear-Delivery`; an `Issue` webhook carries the issue
 * (`data`, with its team and labels), the `actor` who changed it and, on an
 * update, the changed fields' old values in `updatedFrom`. Its GraphQL API
 * takes an API key as the `Authorization` header (refused without it:
 * `AUTHENTICATION_ERROR`); here it answers `issue(id)` (by id or key) with its
 * state, its team's workflow states and its comments (a hundred a page, each
 * with its `user`), `viewer`, `commentCreate`, `commentUpdate` (only the key's
 * own comment) and `issueUpdate` to a state of the issue's team; an unknown
 * issue or comment: `Entity not found`. Its rate limit answers `RATELIMITED`
 * with `X-RateLimit-Requests-Reset`, the time its bucket has room (ms). An
 * issue's `children` are the issues whose parent it is, each with its state's
 * type and its `relations` (`blocks`: this issue blocks `relatedIssue`).
 */
import {
  deliveryId,
  hmacHex,
  type SignedDelivery,
  type TrackerRefusing,
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
  /** Its workflow state's id. */
  state: string;
  /** Its parent's id, where it is a child. */
  parentId?: string;
  /** The ids of the issues it blocks (its `blocks` relations). */
  blocks: string[];
}

export interface LinearComment {
  id: string;
  issueId: string;
  body: string;
  /** Who wrote it: Baton's API key's user (`viewer`), or a person. */
  userId: string;
}

/** A team's workflow state; its `type` is one of Linear's (`completed` is done). */
export interface LinearState {
  id: string;
  name: string;
  type: 'triage' | 'backlog' | 'unstarted' | 'started' | 'completed' | 'canceled';
}

/** What Baton's key wrote, in order. */
export type LinearWrite =
  | { kind: 'commentCreate' | 'commentUpdate'; issueId: string; body: string }
  | { kind: 'issueUpdate'; issueId: string; stateId: string };

const DEFAULT_STATES: LinearState[] = [
  { id: 'state-backlog', name: 'Backlog', type: 'backlog' },
  { id: 'state-todo', name: 'Todo', type: 'unstarted' },
  { id: 'state-started', name: 'In Progress', type: 'started' },
  { id: 'state-done', name: 'Done', type: 'completed' },
  { id: 'state-canceled', name: 'Canceled', type: 'canceled' },
];

function ok(data: object): TrackerResponse {
  return { status: 200, body: { data } };
}

function notFound(entity: string): TrackerResponse {
  return {
    status: 200,
    body: {
      data: null,
      errors: [{ message: `Entity not found: ${entity}`, extensions: { code: 'INVALID_INPUT' } }],
    },
  };
}

function forbidden(what: string): object {
  return { message: `You can only update your own ${what}`, extensions: { code: 'FORBIDDEN' } };
}

export class FakeLinear {
  readonly secret = 'linear-webhook-secret';
  readonly apiKey = 'lin_api_test';
  readonly workspace = 'acme';
  readonly issues = new Map<string, LinearIssue>();
  readonly comments: LinearComment[] = [];
  readonly log: TrackerRequest[] = [];
  /** What Baton's key wrote through the API. */
  readonly writes: LinearWrite[] = [];
  /** The user Baton's API key is. */
  readonly viewer: LinearUser = { id: 'user-baton', name: 'Baton' };
  /** Workflow states by team key, where not Linear's defaults. */
  readonly teamStates = new Map<string, LinearState[]>();
  /** A refusal the next API calls get. */
  refusing: TrackerRefusing | null = null;
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
      state: 'state-todo',
      blocks: [],
    };
    this.issues.set(issue.id, issue);
    return issue;
  }

  /** A new issue of `team`, a child of `parent`. */
  child(
    parent: LinearIssue,
    team: string,
    text: { title: string; description?: string },
  ): LinearIssue {
    const child = this.issue(team, text);
    child.parentId = parent.id;
    return child;
  }

  /** The relation "`blocker` blocks `blocked`". */
  relate(blocker: LinearIssue, blocked: LinearIssue): void {
    blocker.blocks.push(blocked.id);
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
    const refused = this.#refusal();
    if (refused) return refused;
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
    const { query = '', variables = {} } = (request.body ?? {}) as {
      query?: string;
      variables?: Record<string, unknown>;
    };
    const input = (variables.input ?? {}) as { issueId?: string; body?: string; stateId?: string };
    if (query.includes('commentCreate')) {
      const issue = this.#find(input.issueId);
      if (!issue || typeof input.body !== 'string') return notFound('Issue');
      this.comment(issue, this.viewer, input.body);
      this.writes.push({ kind: 'commentCreate', issueId: issue.id, body: input.body });
      return ok({ commentCreate: { success: true } });
    }
    if (query.includes('commentUpdate')) {
      const comment = this.comments.find((one) => one.id === variables.id);
      if (!comment || typeof input.body !== 'string') return notFound('Comment');
      if (comment.userId !== this.viewer.id)
        return { status: 200, body: { data: null, errors: [forbidden('comment')] } };
      comment.body = input.body;
      this.writes.push({ kind: 'commentUpdate', issueId: comment.issueId, body: input.body });
      return ok({ commentUpdate: { success: true } });
    }
    if (query.includes('issueUpdate')) {
      const issue = this.#find(variables.id as string | undefined);
      const state = this.states(issue?.team ?? '').find((one) => one.id === input.stateId);
      if (!issue || !state) return notFound(issue ? 'WorkflowState' : 'Issue');
      issue.state = state.id;
      this.writes.push({ kind: 'issueUpdate', issueId: issue.id, stateId: state.id });
      return ok({ issueUpdate: { success: true } });
    }
    const issue = this.#find(variables.id as string | undefined);
    if (!query.includes('issue(id: $id)') || !issue) return notFound('Issue');
    if (query.includes('children(')) {
      // A connection's `first` (Linear's most: 250), and whether a page is left after it.
      const first = Math.min(Number(/children\(first: (\d+)\)/.exec(query)?.[1] ?? 50), 250);
      return ok({ issue: { id: issue.id, children: this.#children(issue, first) } });
    }
    const all = this.comments.filter((one) => one.issueId === issue.id);
    const from = typeof variables.after === 'string' ? Number(variables.after) : 0;
    const page = all.slice(from, from + 100);
    const states = this.states(issue.team);
    return ok({
      viewer: { id: this.viewer.id },
      issue: {
        id: issue.id,
        state: { type: states.find((one) => one.id === issue.state)?.type ?? 'unstarted' },
        team: { states: { nodes: states.map(({ id, type, name }) => ({ id, type, name })) } },
        comments: {
          nodes: page.map((one) => ({ id: one.id, body: one.body, user: { id: one.userId } })),
          pageInfo: {
            hasNextPage: from + page.length < all.length,
            endCursor: String(from + page.length),
          },
        },
      },
    });
  }

  /** A comment by `user` on `issue` (a person's, or Baton's through the API). */
  comment(issue: LinearIssue, user: LinearUser, body: string): LinearComment {
    const comment = {
      id: `comment-${this.comments.length + 1}`,
      issueId: issue.id,
      body,
      userId: user.id,
    };
    this.comments.push(comment);
    return comment;
  }

  /** The workflow states of `team`: Linear's defaults, one of each type, unless a test set others. */
  states(team: string): LinearState[] {
    return this.teamStates.get(team) ?? DEFAULT_STATES;
  }

  #children(parent: LinearIssue, first: number): object {
    const children = [...this.issues.values()].filter((one) => one.parentId === parent.id);
    return {
      pageInfo: { hasNextPage: children.length > first },
      nodes: children.slice(0, first).map((one) => ({
        identifier: one.identifier,
        title: one.title,
        description: one.description,
        url: `https://linear.app/${this.workspace}/issue/${one.identifier}/${slug(one.title)}`,
        team: { key: one.team },
        state: { type: this.states(one.team).find((state) => state.id === one.state)?.type },
        relations: {
          nodes: one.blocks.map((id) => ({
            type: 'blocks',
            relatedIssue: { identifier: this.issues.get(id)?.identifier },
          })),
        },
      })),
    };
  }

  #find(id: string | undefined): LinearIssue | undefined {
    return [...this.issues.values()].find((one) => one.id === id || one.identifier === id);
  }

  /** The refusal the test asked for, once per call while it lasts. */
  #refusal(): TrackerResponse | null {
    const refusing = this.refusing;
    if (!refusing || refusing.times <= 0) return null;
    refusing.times -= 1;
    if (refusing.kind === 'unauthenticated')
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
    // Linear's rate limit: the RATELIMITED error, with when its bucket has room again (ms since the epoch).
    return {
      status: 400,
      body: { errors: [{ message: 'Rate limit exceeded', extensions: { code: 'RATELIMITED' } }] },
      headers: {
        'x-ratelimit-requests-remaining': '0',
        'x-ratelimit-requests-reset': String(this.now() + (refusing.waitMs ?? 60_000)),
      },
    };
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
