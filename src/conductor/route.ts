/**
 * The conductor workflow's first job (`route`): which build an event may
 * concern, read from the event alone (and, for a comment on a pull request or
 * a label, one read with the job's read-only token), so that the second job,
 * which holds the app's key, runs only for an event a build may care about,
 * in that build's concurrency group: one reconcile of a build at a time.
 * The same cheap tests the app's handlers make before they spend a request;
 * anything subtler (echoes of the app's own writes, who may steer) is the
 * reconcile job's, through those same handlers.
 */
import { parseCommands } from '../core/commands/parse-commands.js';
import { isBatonComment } from '../core/commands/render-replies.js';
import { isBuildLabel } from '../core/config/build-labels.js';
import type { Config } from '../core/config/config.js';
import { buildOfHints } from '../github/reconcile/doors/on-build-event.js';
import { isFromFork } from '../github/reconcile/doors/wire-events.js';

/** The concurrency group of the reconcile job, or why no reconcile runs. */
export type Route = { group: string; reason: string } | { group: null; reason: string };

/** The group of every open build's reconcile at once (the hourly run, a dispatch without an issue). */
export const RESYNC_GROUP = 'baton-conductor-resync';

/**
 * The group of a red default branch's runs (docs/intake.md, "A red default
 * branch"): one at a time, so several failed runs of one head ask once.
 */
export const CHECK_FAILED_GROUP = 'baton-conductor-check-failed';

/**
 * The group of one build's reconciles, by its issue: the same for every event
 * of the build. A change set's member build (docs/change-sets.md) is grouped
 * by its set, whose issue is in another repository.
 */
export function buildGroup(issue: number, home?: string): string {
  return home ? `baton-conductor-${issue}.${home.replace('/', '.')}` : `baton-conductor-${issue}`;
}

/** The build a branch belongs to: its own, or a change set's that its member build names. */
function buildOfBranchOrSet(branch: string | null | undefined) {
  return buildOfHints({ branches: [branch] });
}

/** What the route may read beyond the event, with the job's read-only token. */
export interface RouteReads {
  /** A pull request's head and base branches, and whether its head is a fork's. */
  pull(number: number): Promise<{ head: string; base: string; fork: boolean }>;
  /** `.github/baton.yml` on the default branch; null when it is broken (the reconcile says so). */
  config(): Promise<Config | null>;
  /** Whether the issue has a build (its build branch exists). */
  hasBuild(issue: number): Promise<boolean>;
}

interface Repository {
  id: number;
  default_branch?: string;
}

type Payload = Record<string, unknown> & { repository?: Repository; action?: string };

/** Routes one event of the conductor workflow (`GITHUB_EVENT_NAME` and its payload). */
export async function routeEvent(
  { name, payload }: { name: string; payload: Payload },
  reads: RouteReads,
): Promise<Route> {
  const repository = payload.repository ?? { id: -1 };
  const none = (reason: string): Route => ({ group: null, reason });
  const build = (ref: { issue: number; home?: string }, reason: string): Route => ({
    group: buildGroup(ref.issue, ref.home),
    reason,
  });
  switch (name) {
    case 'schedule':
      return { group: RESYNC_GROUP, reason: 'the hourly look at every open build' };
    case 'workflow_dispatch': {
      const issue = Number((payload.inputs as { issue?: unknown } | undefined)?.issue);
      return Number.isInteger(issue) && issue > 0
        ? build({ issue }, `a look at issue #${issue}'s build, asked by hand`)
        : { group: RESYNC_GROUP, reason: 'a look at every open build, asked by hand' };
    }
    case 'issues':
      return routeIssue(payload, reads);
    case 'issue_comment':
      return routeComment(payload, reads);
    case 'pull_request_target':
    case 'pull_request_review': {
      const pull = payload.pull_request as {
        number: number;
        head: { ref: string; repo: { id: number } | null };
        base: { ref: string };
      };
      if (isFromFork(pull.head.repo, repository))
        return name === 'pull_request_target' && payload.action === 'labeled'
          ? routeForkLabel(pull.number, payload, reads)
          : none("a fork's pull request");
      const ref = buildOfHints({ branches: [pull.head.ref, pull.base.ref] });
      if (ref) return build(ref, `build ${ref.build}'s pull request`);
      return name === 'pull_request_target'
        ? routeLabelledPull(pull.number, payload, reads)
        : none('no Baton branch');
    }
    case 'workflow_run': {
      const run = payload.workflow_run as {
        name?: string | null;
        display_title?: string;
        event?: string;
        conclusion?: string | null;
        head_branch?: string | null;
        head_repository?: { id: number } | null;
      };
      if (isFromFork(run.head_repository, repository)) return none("a fork's run");
      const ref = buildOfHints({ runName: run.display_title, branches: [run.head_branch] });
      if (ref) return build(ref, `a run of build ${ref.build}`);
      return routeRedDefault(run, repository, reads);
    }
    case 'check_suite': {
      const suite = payload.check_suite as { head_branch?: string | null };
      const ref = buildOfBranchOrSet(suite.head_branch);
      return ref ? build(ref, `CI of build ${ref.build}`) : none('no Baton branch');
    }
    case 'status': {
      const branches = (payload.branches as { name: string }[] | undefined) ?? [];
      const ref = buildOfHints({ branches: branches.map((branch) => branch.name) });
      return ref ? build(ref, `CI of build ${ref.build}`) : none('no Baton branch');
    }
    case 'push': {
      const branch = String(payload.ref ?? '').replace(/^refs\/heads\//, '');
      if (branch === repository.default_branch) {
        return { group: RESYNC_GROUP, reason: 'the default branch moved: every open build' };
      }
      const ref = buildOfBranchOrSet(branch);
      return ref && !/\/W\d+\.\d+$/.test(branch)
        ? build(ref, `build ${ref.build}'s branch moved`)
        : none('no build branch');
    }
    default:
      return none(`the conductor does not handle ${name}`);
  }
}

/**
 * A run of no build: a failed run of a workflow `events.checkFailed` names,
 * pushed to the default branch, asks for a fix build (the reconcile job's
 * check-failed door decides the rest: the head, the asker, once per head).
 */
async function routeRedDefault(
  run: {
    name?: string | null;
    event?: string;
    conclusion?: string | null;
    head_branch?: string | null;
  },
  repository: Repository,
  reads: RouteReads,
): Promise<Route> {
  const red =
    run.conclusion === 'failure' &&
    run.event === 'push' &&
    run.head_branch === repository.default_branch;
  if (!red) return { group: null, reason: 'no build run' };
  const config = await reads.config();
  return config?.events.checkFailed.workflows.includes(run.name ?? '')
    ? { group: CHECK_FAILED_GROUP, reason: `${run.name} failed on the default branch` }
    : {
        group: null,
        reason: 'a red default branch, of a workflow events.checkFailed does not name',
      };
}

/**
 * The build label given to a fork's pull request (only a person with triage
 * may label): the pull-label door refuses it with a reply saying why, as the
 * hosted app does, so it goes to the pull request's own group whatever its
 * branch is named; any other label, and every other event of a fork's, is
 * dropped before a job with the app's key runs.
 */
async function routeForkLabel(number: number, payload: Payload, reads: RouteReads): Promise<Route> {
  const label = (payload.label as { name?: string } | undefined)?.name ?? '';
  const config = await reads.config();
  if (!(config ? isBuildLabel(config, label) : label.startsWith('orchestrate')))
    return { group: null, reason: `the label ${label} starts no build` };
  return {
    group: buildGroup(number),
    reason: `the build label on a fork's pull request #${number}: answered why not`,
  };
}

/**
 * A pull request of this repository on no Baton branch (the pull-label door,
 * docs/intake.md): the build label given to it asks for a build on it (the
 * reconcile answers a door that is off); its close, reopen or push concerns
 * the build that lives on it, where one does.
 */
async function routeLabelledPull(
  number: number,
  payload: Payload,
  reads: RouteReads,
): Promise<Route> {
  if (payload.action === 'labeled') {
    const label = (payload.label as { name?: string } | undefined)?.name ?? '';
    const config = await reads.config();
    if (!(config ? isBuildLabel(config, label) : label.startsWith('orchestrate')))
      return { group: null, reason: `the label ${label} starts no build` };
  } else if (payload.action === 'opened' || !(await reads.hasBuild(number))) {
    return { group: null, reason: `pull request #${number} has no build` };
  }
  return { group: buildGroup(number), reason: `pull request #${number} ${payload.action}` };
}

async function routeIssue(payload: Payload, reads: RouteReads): Promise<Route> {
  const issue = payload.issue as { number: number; pull_request?: unknown };
  if (issue.pull_request) return { group: null, reason: 'a pull request, not an issue' };
  if (payload.action === 'labeled') {
    const label = (payload.label as { name?: string } | undefined)?.name ?? '';
    const config = await reads.config();
    // A broken config cannot name its label: the reconcile reports it, as the app does.
    const known = config
      ? isBuildLabel(config, label) || label === config.improve.label
      : label.startsWith('orchestrate');
    if (!known) return { group: null, reason: `the label ${label} starts no build` };
  } else if (!(await reads.hasBuild(issue.number))) {
    return { group: null, reason: `issue #${issue.number} has no build` };
  }
  return { group: buildGroup(issue.number), reason: `issue #${issue.number} ${payload.action}` };
}

async function routeComment(payload: Payload, reads: RouteReads): Promise<Route> {
  const comment = payload.comment as { body?: string | null };
  const issue = payload.issue as { number: number; pull_request?: unknown };
  const sender = payload.sender as { type?: string } | undefined;
  const body = comment.body ?? '';
  if (sender?.type === 'Bot' || isBatonComment(body)) {
    return { group: null, reason: "a bot's comment" };
  }
  const shaped = parseCommands(body, { worker: 'W1.1' });
  if (shaped.commands.length === 0 && shaped.errors.length === 0) {
    return { group: null, reason: 'no command in the comment' };
  }
  if (!issue.pull_request) {
    // `/improve` on an issue with no build starts one; any other command needs the build.
    const improves = shaped.commands.some((command) => command.name === 'improve');
    if (!improves && !(await reads.hasBuild(issue.number))) {
      return { group: null, reason: `a command on issue #${issue.number}, which has no build` };
    }
    return { group: buildGroup(issue.number), reason: `a command on issue #${issue.number}` };
  }
  const pull = await reads.pull(issue.number);
  if (pull.fork) return { group: null, reason: "a command on a fork's pull request" };
  const ref = buildOfBranchOrSet(pull.head) ?? buildOfBranchOrSet(pull.base);
  return ref
    ? {
        group: buildGroup(ref.issue, ref.home),
        reason: `a command on build ${ref.build}'s pull request`,
      }
    : { group: null, reason: 'a command on a pull request of no build' };
}
