/**
 * The webhooks the simulated GitHub sends, shaped as GitHub shapes them, and
 * what they read of the repository they come from (`EventSource`).
 */
import type { GitData } from './git/git-data.js';
import type { SimComment, SimIssue, SimPull, SimReview, SimRun, SimUser } from './records.js';
import { runBody } from './run-body.js';

/** What GitHub sends as a push's `before` when it created the branch, or `after` when it deleted it. */
const NO_COMMIT = '0'.repeat(40);

/** A webhook the simulated GitHub would deliver: event name and payload. */
export interface SimEvent {
  name: string;
  payload: Record<string, unknown>;
}

/** What the webhooks read of the simulated repository (GitHubState is one), and where they land. */
export interface EventSource {
  readonly owner: string;
  readonly repo: string;
  readonly fullName: string;
  readonly htmlUrl: string;
  readonly defaultBranch: string;
  readonly botLogin: string;
  readonly installationId: number;
  readonly repositoryId: number;
  readonly git: Pick<GitData, 'refs' | 'resolve'>;
  readonly issues: ReadonlyMap<number, SimIssue>;
  readonly outbox: SimEvent[];
  now(): string;
  user(login: string): SimUser;
}

/** The simulated repository as a webhook payload's `repository`. */
export function repositoryPayload(
  gh: Pick<
    EventSource,
    'repositoryId' | 'repo' | 'fullName' | 'defaultBranch' | 'owner' | 'htmlUrl'
  >,
): Record<string, unknown> {
  return {
    id: gh.repositoryId,
    name: gh.repo,
    full_name: gh.fullName,
    default_branch: gh.defaultBranch,
    owner: { login: gh.owner, type: 'Organization' },
    html_url: gh.htmlUrl,
  };
}

/**
 * Builds webhook payloads the way GitHub shapes them, with the fields apps
 * read (repository, installation, sender and the event's object). Events
 * land in `gh.outbox`; a test or the simulator delivers them.
 */
export class EventFactory {
  readonly #gh: EventSource;

  constructor(gh: EventSource) {
    this.#gh = gh;
  }

  #base(sender: string): Record<string, unknown> {
    const gh = this.#gh;
    return {
      repository: repositoryPayload(gh),
      installation: { id: gh.installationId },
      sender: gh.user(sender),
    };
  }

  /** The simulated repository as a pull request's `head.repo` or a run's `head_repository`. */
  #repo(): { id: number; full_name: string } {
    return { id: this.#gh.repositoryId, full_name: this.#gh.fullName };
  }

  #emit(name: string, payload: Record<string, unknown>): void {
    this.#gh.outbox.push({ name, payload });
  }

  pull(action: string, pull: SimPull, sender: string, label?: string): void {
    const gh = this.#gh;
    const headSha = pull.fork?.sha ?? gh.git.resolve(pull.head) ?? '';
    // A fork's head is the fork: another repository, with an id of its own.
    const headRepo = pull.fork
      ? { id: forkIdOf(pull.fork.fullName), full_name: pull.fork.fullName }
      : this.#repo();
    this.#emit('pull_request', {
      ...this.#base(sender),
      action,
      number: pull.number,
      pull_request: {
        number: pull.number,
        title: pull.title,
        body: pull.body,
        state: pull.state,
        merged: pull.mergedAt !== null,
        html_url: `${gh.htmlUrl}/pull/${pull.number}`,
        user: pull.user,
        labels: (gh.issues.get(pull.number)?.labels ?? []).map((name) => ({ name })),
        head: { ref: pull.head, sha: headSha, repo: headRepo },
        base: { ref: pull.base, sha: gh.git.resolve(pull.base) ?? '', repo: this.#repo() },
      },
      ...(label === undefined ? {} : { label: { name: label } }),
    });
  }

  /** A label given to a pull request by `sender`: on it, a `labeled` event on its timeline, and the webhook. */
  pullLabeled(pull: SimPull, label: string, sender: string): void {
    const issue = this.#gh.issues.get(pull.number);
    if (issue) {
      if (!issue.labels.includes(label)) issue.labels = [...issue.labels, label];
      issue.labelEvents = [
        ...(issue.labelEvents ?? []),
        { label, actor: sender, at: this.#gh.now() },
      ];
    }
    this.pull('labeled', pull, sender, label);
  }

  review(review: SimReview, pull: SimPull): void {
    this.#emit('pull_request_review', {
      ...this.#base(review.user.login),
      action: 'submitted',
      review: {
        id: review.id,
        state: review.state.toLowerCase(),
        commit_id: review.commitId,
        body: review.body,
      },
      pull_request: {
        number: pull.number,
        head: { ref: pull.head, sha: review.commitId, repo: this.#repo() },
        base: { ref: pull.base, repo: this.#repo() },
      },
    });
  }

  run(action: 'requested' | 'in_progress' | 'completed', run: SimRun): void {
    this.#emit('workflow_run', {
      ...this.#base(this.#gh.botLogin),
      action,
      // The run as GitHub's payload carries it: the fields of the REST run.
      workflow_run: runBody(this.#gh, run),
    });
  }

  /** `before` null: the push created the branch; `after` all zeros: it deleted it (as GitHub sends them). */
  push(branch: string, before: string | null, after: string, sender: string): void {
    this.#emit('push', {
      ...this.#base(sender),
      ref: `refs/heads/${branch}`,
      before: before ?? NO_COMMIT,
      after,
      created: before === null,
      deleted: after === NO_COMMIT,
    });
  }

  /** A GitHub Actions check suite completed: each workflow run's suite, beside its `workflow_run`. */
  checkSuite(branch: string, sha: string, conclusion: string): void {
    this.#emit('check_suite', {
      ...this.#base('github-actions[bot]'),
      action: 'completed',
      check_suite: {
        app: { slug: 'github-actions' },
        head_branch: branch,
        head_sha: sha,
        status: 'completed',
        conclusion,
        pull_requests: [],
      },
    });
  }

  /** `status`: GitHub lists the branches whose head is the commit. */
  status({ sha, context, state }: { sha: string; context: string; state: string }): void {
    const branches = [...this.#gh.git.refs]
      .filter(([ref, head]) => head === sha && ref.startsWith('refs/heads/'))
      .map(([ref]) => ({ name: ref.replace('refs/heads/', ''), commit: { sha } }));
    this.#emit('status', {
      ...this.#base('ci-bot'),
      sha,
      context,
      state,
      branches,
    });
  }

  comment(comment: SimComment): void {
    const issue = this.#gh.issues.get(comment.issue);
    this.#emit('issue_comment', {
      ...this.#base(comment.user.login),
      action: 'created',
      issue: {
        number: comment.issue,
        title: issue?.title ?? '',
        ...(issue?.pull ? { pull_request: { url: '' } } : {}),
      },
      comment: {
        id: comment.id,
        body: comment.body,
        user: comment.user,
        created_at: comment.createdAt,
      },
    });
  }

  /** `issues.closed` or `issues.reopened`. */
  issueState(action: 'closed' | 'reopened', issue: number, sender: string): void {
    this.#emitIssue(action, { issue, sender });
  }

  /** A label removed by `sender`: off the issue, an `unlabeled` event on its timeline, and the webhook. */
  unlabeled(issue: number, label: string, sender: string): void {
    const simIssue = this.#gh.issues.get(issue);
    if (simIssue) {
      simIssue.labels = simIssue.labels.filter((name) => name !== label);
      simIssue.unlabelEvents = [
        ...(simIssue.unlabelEvents ?? []),
        { label, actor: sender, at: this.#gh.now() },
      ];
    }
    this.#emitIssue('unlabeled', { issue, label, sender });
  }

  labeled(issue: number, label: string, sender: string): void {
    const simIssue = this.#gh.issues.get(issue);
    if (simIssue)
      simIssue.labelEvents = [
        ...(simIssue.labelEvents ?? []),
        { label, actor: sender, at: this.#gh.now() },
      ];
    this.#emitIssue('labeled', { issue, label, sender });
  }

  /** An `issues` webhook about one issue as it now stands (its state and labels), and the label it is about. */
  #emitIssue(
    action: 'labeled' | 'unlabeled' | 'closed' | 'reopened',
    { issue, label, sender }: { issue: number; label?: string; sender: string },
  ): void {
    const simIssue = this.#gh.issues.get(issue);
    this.#emit('issues', {
      ...this.#base(sender),
      action,
      issue: {
        number: issue,
        title: simIssue?.title ?? '',
        state: simIssue?.state ?? 'open',
        labels: (simIssue?.labels ?? []).map((name) => ({ name })),
      },
      ...(label === undefined ? {} : { label: { name: label } }),
    });
  }
}

/** A fork's repository id, stable by its name and never the simulated repository's own. */
/** A fork's repository id: another repository's, stable for its name. */
export function forkIdOf(fullName: string): number {
  let hash = 7;
  for (const char of fullName) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000;
  return 9_000_000 + hash;
}
