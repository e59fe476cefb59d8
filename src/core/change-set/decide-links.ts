import type { Action } from '../context/action.js';
import type { Plan } from '../plan/plan.js';
import { landsAfter } from '../plan/set-plan.js';
import type { CommandInfo } from '../snapshot/snapshot.js';
import { formatUsd } from '../status/progress-format.js';
import { neutralizeClosingKeywords } from '../vocabulary/closing-keywords.js';
import { mentions, noticeKey, noticeMarker } from '../vocabulary/notice.js';
import type { MemberDecision } from './decide-member.js';
import { noticePrefix } from './member-snapshot.js';
import type { SetAction } from './set-action.js';
import type { GatedPull, SetMember, SetSnapshot } from './set-snapshot.js';

/**
 * Reports to put on a member's build branch: each worker another repository
 * depends on, once merged in its own repository (its report read from there),
 * for every member that waits on it and has not got it yet.
 */
export function decideDeliveries(decisions: MemberDecision[]): SetAction[] {
  return decisions.flatMap((decision) => {
    const { snapshot } = decision;
    const outside = snapshot.changeSet?.outside.repositories ?? {};
    if (!snapshot.integration || snapshot.plan.kind !== 'valid') return [];
    return Object.entries(outside).flatMap(([worker, from]): SetAction[] => {
      if (snapshot.completions[worker]) return [];
      const source = decisions.find((one) => one.repository === from);
      const merged = source?.snapshot.pulls.some(
        (p) => p.worker === worker && p.state === 'merged',
      );
      const read = source?.snapshot.completions[worker];
      if (!merged || read?.kind !== 'valid') return [];
      return [
        {
          kind: 'deliver-report',
          repository: decision.repository,
          from,
          worker,
          completion: read.completion,
        },
      ];
    });
  });
}

/** Which repositories' final pull requests are released: everything they land after has merged. */
export function releasedFinals(set: SetSnapshot, after: Map<string, string[]>): Set<string> {
  const merged = (repo: string) => memberOf(set, repo)?.final?.state === 'merged';
  const rolledBack = rollbackOf(set) !== null;
  return new Set(
    set.members
      .filter((member) => !rolledBack && (after.get(member.repository) ?? []).every(merged))
      .map((member) => member.repository),
  );
}

/**
 * `baton/change-set` on every open final pull request, as its order says, and
 * on every open revert, in reverse order (released once every repository that
 * lands after it has its revert merged, or nothing to revert); only where the
 * head's check says something else already.
 */
export function decideChecks(
  set: SetSnapshot,
  { after, released }: { after: Map<string, string[]>; released: ReadonlySet<string> },
): SetAction[] {
  return set.members.flatMap((member): SetAction[] => {
    const repo = member.repository;
    const waitsOn = (after.get(repo) ?? []).filter(
      (other) => memberOf(set, other)?.final?.state !== 'merged',
    );
    const finals = checkOf(member, member.final, released.has(repo), {
      released: 'Everything this change set lands before it has merged: merge it.',
      pending: rollbackOf(set)
        ? 'The change set was rolled back: this pull request must not merge.'
        : `Waits for the final pull requests of ${waitsOn.join(', ')} to merge first.`,
    });
    const dependents = landsAfter(after, repo).filter((other) =>
      (after.get(other) ?? []).includes(repo),
    );
    const revertReleased = dependents.every((other) => {
      const them = memberOf(set, other);
      return them?.final?.state !== 'merged' || them.revert?.state === 'merged';
    });
    const reverts = checkOf(member, member.revert, revertReleased, {
      released: 'Every repository that built on this one is reverted: merge it.',
      pending: `Waits for the reverts of ${dependents.join(', ')} to merge first.`,
    });
    return [...finals, ...reverts];
  });
}

function checkOf(
  member: SetMember,
  pull: GatedPull | null,
  released: boolean,
  summaries: { released: string; pending: string },
): SetAction[] {
  if (pull?.state !== 'open') return [];
  const state = released ? 'success' : 'pending';
  if (pull.check === state) return [];
  return [
    {
      kind: 'set-change-set-check',
      repository: member.repository,
      pull: pull.number,
      sha: pull.sha,
      state,
      summary: summaries[state === 'success' ? 'released' : 'pending'],
    },
  ];
}

/** A member's auto-merge goes on only once its final pull request is released. */
export function holdAutoMerge(actions: Action[], released: boolean): Action[] {
  return released ? actions : actions.filter((action) => action.kind !== 'enable-auto-merge');
}

/** The accepted `/rollback` (the set's read kept only those of people who may give it), if any. */
export function rollbackOf(set: SetSnapshot): CommandInfo | null {
  return set.home.commands.find((info) => info.command.name === 'rollback') ?? null;
}

/**
 * `/rollback`: a revert pull request in every repository whose final pull
 * request merged, opened in reverse order (the last to land first), each once.
 */
export function decideRollback({
  set,
  plan,
  order,
}: {
  set: SetSnapshot;
  plan: Plan;
  order: string[];
}): SetAction[] {
  const rollback = rollbackOf(set);
  if (!rollback) return [];
  return [...order].reverse().flatMap((repo): SetAction[] => {
    const member = memberOf(set, repo);
    const final = member?.final;
    if (!member || member.revert || final?.state !== 'merged' || !final.mergeCommit) return [];
    return [
      {
        kind: 'open-revert',
        repository: repo,
        pull: final.number,
        mergeCommit: final.mergeCommit,
        title: `Revert [${set.home.build}] ${neutralizeClosingKeywords(plan.title)}`,
        body: [
          `Reverts #${final.number}: the change set ${set.homeRepository}#${set.home.issue.number} is rolled back by @${rollback.author}'s \`/rollback\`.`,
          '',
          'The reverts land in the reverse order of the final pull requests: the check `baton/change-set` holds this one until every repository that built on this one is reverted.',
        ].join('\n'),
      },
    ];
  });
}

/** Once every repository's final pull request merged, the set's issue is closed (unless closed). */
export function decideClose(set: SetSnapshot): SetAction[] {
  const all = set.members.length > 0 && set.members.every((m) => m.final?.state === 'merged');
  return all && set.home.issue.state === 'open' && !rollbackOf(set)
    ? [{ kind: 'close-set-issue' }]
    : [];
}

/**
 * A notice on the set's issue when a repository's final pull request is
 * released (merge it now), and when the set's one budget is reached.
 */
export function setNotices(
  set: SetSnapshot,
  {
    released,
    people,
    budget,
  }: {
    released: ReadonlySet<string>;
    people: string[];
    budget: { maxUsd: number; spentUsd: number } | null;
  },
): Action[] {
  const needs: { key: string; text: string }[] = set.members.flatMap((member) => {
    const final = member.final;
    if (final?.state !== 'open' || !released.has(member.repository)) return [];
    return [
      {
        key: noticeKey(noticePrefix(member.repository), 'final-pull', final.number),
        text: `📦 ${member.repository}'s final pull request ${final.url} is ready to merge: every repository it lands after has merged.`,
      },
    ];
  });
  if (budget)
    needs.push({
      key: noticeKey('budget', budget.maxUsd),
      text: `💸 The change set is paused: its sessions, in every repository, have cost ${formatUsd(budget.spentUsd)}, reaching \`budget.maxUsd\` (${formatUsd(budget.maxUsd)}). No new session starts; merges go on. Raise \`budget.maxUsd\` in this repository's \`.github/baton.yml\` (or set it to \`null\`) to go on, or reply \`/cancel\`.`,
    });
  const posted = new Set(set.home.notices ?? []);
  return needs
    .filter((need) => !posted.has(need.key))
    .map((need) => ({
      kind: 'notice',
      key: need.key,
      body: [noticeMarker(set.home.build, need.key), `${mentions(people)}${need.text}`].join('\n'),
    }));
}

function memberOf(set: SetSnapshot, repository: string): SetMember | undefined {
  return set.members.find((member) => member.repository === repository);
}
