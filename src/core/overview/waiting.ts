import type { Runaway } from '../rules/runaway.js';
import type { BuildSnapshot, PullInfo } from '../snapshot/snapshot.js';
import type { Link } from '../status/status-view.js';
import type { BuildRead } from './build-read.js';
import type { BuildRow, WorkerLine } from './build-row.js';
import type { Landing } from './landing.js';

/** What waits for a person, by kind. */
export type WaitingKind =
  | 'approve-plan'
  | 'approve-briefs'
  | 'follow-ups'
  | 'needs-human'
  | 'held-for-review'
  | 'partial'
  | 'failed'
  | 'impossible'
  | 'runaway'
  | 'budget'
  | 'daily-cap'
  | 'final-pull';

/**
 * One thing a build waits on a person for: what, since when, the exact command
 * to copy (null where the answer is an edit or a review, not a comment), and
 * where to post it. The page writes nothing: commands stay comments by people
 * with write permission, so the trust model does not change.
 */
export interface WaitingItem {
  kind: WaitingKind;
  /** The build's row key, repository and issue (null where it lives in a repository the viewer may not read). */
  key: string;
  repository: string;
  issue: number | null;
  /** How the build is named: `owner/name#issue`, or a change set's member by its repository and its set's issue. */
  label: string;
  worker: string | null;
  /** Since when it waits (ISO 8601); null where GitHub dates nothing (listed last). */
  since: string | null;
  text: string;
  command: string | null;
  /** Where to post the command, or to act: the issue, a pull request, the configuration file. */
  where: Link;
}

/** Where a repository's configuration lives. */
const CONFIG_FILE = '.github/baton.yml';

/**
 * Everything one build waits on a person for, from its row, its status and its
 * runaways; a change set's member by its place in the landing order (`landing`),
 * `named` naming the member it waits for as the viewer may see it.
 */
export function waitingOf({
  read,
  row,
  runaways,
  landing = null,
  named = (repository) => repository,
}: {
  read: BuildRead;
  row: BuildRow;
  runaways: readonly Runaway[];
  landing?: Landing | null;
  named?: (repository: string) => string;
}): WaitingItem[] {
  const { snapshot, view } = read;
  // The set's issue of a member whose set the viewer may not read is named nowhere: act where the work is.
  const issue: Link = row.issue
    ? { label: `#${row.issue.number}`, url: row.issue.url }
    : (row.finalPull ?? { label: row.repository, url: `https://github.com/${row.repository}` });
  const item = (
    fields: Omit<WaitingItem, 'key' | 'repository' | 'issue' | 'label'>,
  ): WaitingItem => ({
    key: row.key,
    repository: row.repository,
    issue: row.issue?.number ?? null,
    label: row.label,
    ...fields,
  });
  const items: WaitingItem[] = [];
  if (view?.phase === 'plan-ready' && read.config?.approval === 'plan') {
    items.push(
      item({
        kind: 'approve-plan',
        worker: null,
        since: planWrittenAt(snapshot),
        text: `The plan of ${row.workers.length} workers waits for /approve (or /replan <what to change>).`,
        command: '/approve',
        where: issue,
      }),
    );
  }
  for (const worker of row.workers) {
    const waiting = workerItem({ worker, snapshot, issue });
    if (waiting) items.push(item(waiting));
  }
  for (const runaway of runaways) {
    items.push(
      item({
        kind: 'runaway',
        worker: runaway.worker,
        since: runaway.since.at,
        text: `${runaway.worker} looks like a runaway: ${runaway.reason === 'failing' ? `${runaway.sessions} sessions in a row ended without delivering` : `$${runaway.usd.toFixed(2)} spent within the hour`}.`,
        command: `/skip ${runaway.worker}`,
        where: issue,
      }),
    );
  }
  if (view?.phase === 'running')
    items.push(...progressItems({ read, row, issue, landing, named }).map(item));
  return items;
}

function workerItem({
  worker,
  snapshot,
  issue,
}: {
  worker: WorkerLine;
  snapshot: BuildSnapshot;
  issue: Link;
}): Omit<WaitingItem, 'key' | 'repository' | 'issue' | 'label'> | null {
  const since = workerSince(snapshot, worker.id);
  const base = { worker: worker.id, since };
  const note = worker.note ? `: ${worker.note}` : '';
  const asked = askedOf(worker, note, issue);
  if (asked) return { ...base, ...asked };
  switch (worker.state) {
    case 'reviewing':
      // Held by the autonomy rules: Baton approved, a person's approval is required.
      return worker.note?.includes('review.requireHuman') && worker.pull
        ? {
            ...base,
            kind: 'held-for-review',
            text: `${worker.id}'s pull request waits for a person's approving review (review.requireHuman).`,
            command: null,
            where: worker.pull,
          }
        : null;
    default:
      return null;
  }
}

/** What a running build's status asks: briefs or follow-ups to approve, a budget or cap reached, the final pull request. */
function progressItems({
  read,
  row,
  issue,
  landing,
  named,
}: {
  read: BuildRead;
  row: BuildRow;
  issue: Link;
  landing: Landing | null;
  named: (repository: string) => string;
}): Omit<WaitingItem, 'key' | 'repository' | 'issue' | 'label'>[] {
  const { view, snapshot } = read;
  if (view?.phase !== 'running') return [];
  const { progress } = view;
  const items: Omit<WaitingItem, 'key' | 'repository' | 'issue' | 'label'>[] = [];
  for (const adaptation of progress.adaptations ?? []) {
    if (adaptation.state !== 'awaiting-approval') continue;
    items.push({
      kind: 'approve-briefs',
      worker: adaptation.source,
      since: workerSince(snapshot, adaptation.source),
      text: `After ${adaptation.source}, revised briefs of ${adaptation.workers.join(', ')} wait for /approve.`,
      command: '/approve',
      where: issue,
    });
  }
  if (progress.followUps?.state === 'proposed') {
    items.push({
      kind: 'follow-ups',
      worker: null,
      since: row.lastActivity,
      text: `The synthesis proposes follow-up questions (${progress.followUps.workers.join(', ')}): /approve, or /skip follow-ups.`,
      command: '/approve',
      where: issue,
    });
  }
  const configFile: Link = {
    label: CONFIG_FILE,
    url: `${progress.links.repoUrl}/edit/${snapshot.repo.defaultBranch}/${CONFIG_FILE}`,
  };
  if (progress.budget.reached && progress.budget.maxUsd !== null) {
    items.push({
      kind: 'budget',
      worker: null,
      since: row.lastActivity,
      text: `The build's sessions reached budget.maxUsd ($${progress.budget.maxUsd}): raise it in ${CONFIG_FILE} to go on, or /cancel.`,
      command: null,
      where: configFile,
    });
  }
  for (const hold of progress.budget.daily ?? []) {
    items.push({
      kind: 'daily-cap',
      worker: null,
      since: `${hold.day}T00:00:00Z`,
      text:
        hold.scope === 'asker'
          ? `The builds ${hold.asker ?? 'its asker'} asked for reached the policy's limits.perAskerDailyUsd ($${hold.capUsd}) today: new sessions wait for tomorrow (UTC).`
          : hold.scope === 'repository'
            ? `The repository's sessions reached budget.dailyUsd ($${hold.capUsd}) today: new sessions wait for tomorrow (UTC), or raise it.`
            : `The installation's sessions reached BATON_INSTALLATION_DAILY_USD ($${hold.capUsd}) today: only the app's operator can raise it.`,
      command: null,
      where: hold.scope === 'repository' ? configFile : issue,
    });
  }
  if (progress.finalPull?.state === 'open') {
    const { number, url } = progress.finalPull;
    // A member lands in its set's order: GitHub refuses its merge before the members it lands after.
    items.push({
      kind: 'final-pull',
      worker: null,
      since: row.lastActivity,
      text:
        landing?.kind === 'waits'
          ? `Every worker is done: the final pull request #${number} waits for ${named(landing.for)} to merge first (the change set lands in order), so there is nothing to merge yet.`
          : finalPullAsk(number, progress.finalPull.mergeState),
      command: null,
      where: { label: `#${number}`, url },
    });
  }
  return items;
}

/**
 * What the final pull request asks of a person, as GitHub would answer a merge
 * now (its `mergeStateStatus`): never "merge" where GitHub refuses it.
 */
function finalPullAsk(number: number, state: PullInfo['mergeState'] | undefined): string {
  switch (state) {
    case 'dirty':
      return `Every worker is done, but the final pull request #${number} conflicts with the default branch: GitHub refuses its merge until the conflicts are resolved on its branch.`;
    case 'behind':
      return `Every worker is done: the final pull request #${number} must be brought up to date with the default branch before GitHub merges it (its branch's rules ask for it); then review and merge it.`;
    case 'blocked':
      return `Every worker is done: review the final pull request #${number}; GitHub holds its merge until its required reviews and checks pass.`;
    default:
      return `Every worker is done: review and merge the final pull request #${number}.`;
  }
}

/** When the newest plan session ended: the plan has waited since. */
function planWrittenAt(snapshot: BuildSnapshot): string | null {
  return snapshot.runs.filter((run) => run.role === 'plan').at(-1)?.updatedAt ?? null;
}

/** When the worker's newest session ended, else its pull request was opened. */
function workerSince(snapshot: BuildSnapshot, worker: string): string | null {
  const run = snapshot.runs.filter((one) => one.worker === worker).at(-1);
  return run?.updatedAt ?? snapshot.pulls.find((pull) => pull.worker === worker)?.createdAt ?? null;
}

/** Oldest first; undated last; then by repository, issue and worker, so the order is stable. */
export function sortWaiting(items: readonly WaitingItem[]): WaitingItem[] {
  const time = (item: WaitingItem) =>
    item.since === null ? Number.POSITIVE_INFINITY : Date.parse(item.since);
  return [...items].sort(
    (a, b) =>
      time(a) - time(b) ||
      a.repository.localeCompare(b.repository) ||
      (a.issue ?? 0) - (b.issue ?? 0) ||
      (a.worker ?? '').localeCompare(b.worker ?? ''),
  );
}

/** What a worker that waits for a person's answer asks: its kind, its text, the command to copy, where. */
function askedOf(
  worker: WorkerLine,
  note: string,
  issue: Link,
): Pick<WaitingItem, 'kind' | 'text' | 'command' | 'where'> | null {
  const { id } = worker;
  const retry = `/retry ${id} <instructions>`;
  const there = worker.pull ?? issue;
  const asks: Partial<Record<WorkerLine['state'], [WaitingKind, string, string | null, Link]>> = {
    // GitHub holds its approved pull request: what it asks is done there.
    'needs-human':
      worker.heldByGitHub && worker.pull
        ? [
            'needs-human',
            `${id} needs a person${note}. Baton merges it once GitHub takes it, or reply /skip ${id}.`,
            null,
            worker.pull,
          ]
        : [
            'needs-human',
            `${id} needs a person${note}. Push a fix, or reply /merge ${id} or /skip ${id}.`,
            retry,
            there,
          ],
    partial: ['partial', `${id} stopped short of its brief${note}.`, `/continue ${id}`, there],
    failed: [
      'failed',
      `${id} failed${note}. Retry it, or /skip ${id} to go on without it.`,
      retry,
      issue,
    ],
    impossible: [
      'impossible',
      `${id} says it cannot be done${note}. Retry it with instructions, /skip ${id}, or /replan.`,
      retry,
      there,
    ],
    // No command: a raise of the cap in the configuration starts it again by itself.
    'awaiting-budget': ['budget', `${id} waits for budget${note}.`, null, issue],
  };
  const ask = asks[worker.state];
  return ask ? { kind: ask[0], text: ask[1], command: ask[2], where: ask[3] } : null;
}
