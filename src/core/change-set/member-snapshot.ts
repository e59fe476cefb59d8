import type { Command } from '../commands/command.js';
import { COMMANDS } from '../commands/command-table.js';
import type { Config, ParsedConfig } from '../config/config.js';
import type { Plan } from '../plan/plan.js';
import { repositoryOf, sliceOf } from '../plan/set-plan.js';
import type {
  BuildSnapshot,
  IssueInfo,
  MemberOfSet,
  OutsideWorkers,
} from '../snapshot/snapshot.js';
import { canWrite, type SetMember, type SetSnapshot } from './set-snapshot.js';

/**
 * Whether a message on the set's issue reaches a worker of `repository`: a
 * session reads the comment its message names with its own repository's
 * read-only token, so only the workers of the issue's repository take one
 * given there; a worker elsewhere takes its messages on its pull request
 * (`checkSetCommands` answers one given on the issue).
 */
export function messageReaches(repository: string, home: string): boolean {
  return repository.toLowerCase() === home.toLowerCase();
}

/** Whether a member build of `repository` takes a command given on the set's issue. */
function takesFromSetIssue(
  command: Command,
  { repository, set, plan }: { repository: string; set: SetSnapshot; plan: Plan },
): boolean {
  // Its table entry says where it acts (`inSet`). A `/continue` acts in every member: the
  // session it starts reads no comment (its trigger names the draft's head).
  const { inSet } = COMMANDS[command.name];
  if (inSet === 'members') return true;
  if (inSet !== 'home-workers' || !('worker' in command)) return false;
  const worker = plan.workers.find((one) => one.id === command.worker);
  const home = set.homeRepository;
  return (
    worker !== undefined &&
    messageReaches(repository, home) &&
    messageReaches(repositoryOf(worker, home), home)
  );
}

/**
 * One member build as its own rules read it: its repository's truth, with the
 * set's issue (closes counted only from people who can write this repository),
 * the set issue's commands of people who can write it beside the commands on
 * its own pull requests, the set's notices for it, and the set's plan cut to
 * its workers once its record is on its build branch.
 */
export function memberSnapshot({
  set,
  member,
  plan,
  changeSet,
}: {
  set: SetSnapshot;
  member: SetMember;
  /** The set's approved plan, and the sha it was read at. */
  plan: { plan: Plan; sha: string };
  changeSet: MemberOfSet;
}): BuildSnapshot {
  const { home } = set;
  const repo = member.repository;
  const writes = (login: string | null) => login !== null && canWrite(set, repo, login);
  return {
    ...member.snapshot,
    issue: memberIssue(home.issue, writes),
    commands: [
      ...home.commands.filter(
        (info) =>
          takesFromSetIssue(info.command, { repository: repo, set, plan: plan.plan }) &&
          writes(info.author),
      ),
      ...member.snapshot.commands,
    ],
    statusComment: home.statusComment,
    notices: noticesOf(home.notices ?? [], repo),
    labelledBy: home.labelledBy ?? [],
    plan: member.recorded
      ? { kind: 'valid', plan: sliceOf(plan.plan, repo, set.homeRepository), sha: plan.sha }
      : { kind: 'missing' },
    changeSet,
  };
}

/**
 * A member build's configuration: its repository's own, with what is the set's
 * taken from the set's repository (approval was the set's; one budget; who is
 * told) and no sub-issue mirrors.
 */
export function memberConfig(own: ParsedConfig, set: Config): ParsedConfig {
  if (!own.ok) return own;
  return {
    ok: true,
    config: {
      ...own.config,
      approval: 'none',
      notify: set.notify,
      budget: { ...own.config.budget, maxUsd: set.budget.maxUsd },
      plan: { ...own.config.plan, mirrorSubIssues: false },
    },
  };
}

/** What a member knows of its set: its issue, the landing order, and what it waits on elsewhere. */
export function memberOfSet({
  set,
  order,
  after,
  outside,
  spentElsewhereUsd,
  unvalidated = [],
}: {
  set: SetSnapshot;
  order: string[];
  after: string[];
  outside: OutsideWorkers;
  spentElsewhereUsd: number;
  /** The repositories that owe their last milestone's passing validation. */
  unvalidated?: string[];
}): MemberOfSet {
  return {
    issue: {
      repository: set.homeRepository,
      number: set.home.issue.number,
      url: set.home.issue.url,
    },
    repositories: order,
    after,
    outside,
    spentElsewhereUsd,
    ...(unvalidated.length > 0 ? { unvalidated } : {}),
  };
}

/** The set's notice keys for one repository: posted under `<owner>.<repo>/` (`routeNotice`). */
export function noticesOf(keys: string[], repository: string): string[] {
  const prefix = `${noticePrefix(repository)}/`;
  return keys.filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}

/** How a repository's notices are told apart on the set's issue: `acme.lib`. */
export function noticePrefix(repository: string): string {
  return repository.replace('/', '.');
}

/** The set's issue as a member reads it: a close counts only from someone who can write this repository. */
function memberIssue(issue: IssueInfo, writes: (login: string | null) => boolean): IssueInfo {
  const { subIssues: _subIssues, ...rest } = issue;
  return {
    ...rest,
    // The set's issue is closed by no member's final pull request: each lands without closing it.
    ...(issue.closed
      ? { closed: { ...issue.closed, byPull: null, maySteer: writes(issue.closed.by) } }
      : {}),
    ...(issue.stateChanges
      ? {
          stateChanges: issue.stateChanges.map((change) => ({
            ...change,
            byPull: null,
            maySteer: writes(change.by),
          })),
        }
      : {}),
  };
}
