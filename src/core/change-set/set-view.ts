import type { Config } from '../config/config.js';
import type { Plan, PlanWorker } from '../plan/plan.js';
import { repositoryOf, sliceOf } from '../plan/set-plan.js';
import { estimateBuild } from '../snapshot/estimate.js';
import type { Ledger, Tally } from '../snapshot/ledger.js';
import {
  type BuildProgress,
  type ChangeSetView,
  type SetRepositoryLine,
  type SetRepositoryState,
  type StatusView,
  type WorkerRow,
  waitingWorkerRow,
} from '../status/status-view.js';
import { compareWorkerIds, integrationBranch } from '../vocabulary/ids.js';
import type { MemberDecision } from './decide-member.js';
import type { SetMember, SetSnapshot } from './set-snapshot.js';

/** The set's repositories before it is approved: each one's workers and estimate, and the order. */
export function plannedSetView({
  set,
  plan,
  order,
  after,
  config,
  planning,
}: {
  set: SetSnapshot;
  plan: Plan;
  order: string[];
  after: Map<string, string[]>;
  config: Config;
  planning?: ChangeSetView['planning'];
}): ChangeSetView {
  return {
    home: set.homeRepository,
    repositories: order.map((name) => {
      const slice = sliceOf(plan, name, set.homeRepository);
      return {
        ...lineBase(set, name, after),
        workers: slice.workers.length,
        done: 0,
        estimateUsd: estimateBuild({ plan: slice, config: configOf(set, name, config) }).usd,
        state: 'planned',
        note: null,
      };
    }),
    ...(planning ? { planning } : {}),
  };
}

/** Each repository's line once the set runs: where its build stands, its final pull request, its revert. */
export function runningSetView({
  set,
  order,
  after,
  decisions,
  released,
  rollback,
}: {
  set: SetSnapshot;
  order: string[];
  after: Map<string, string[]>;
  decisions: MemberDecision[];
  /** Repositories whose final pull request `baton/change-set` releases. */
  released: ReadonlySet<string>;
  rollback: ChangeSetView['rollback'];
}): ChangeSetView {
  const repositories = order.map((name): SetRepositoryLine => {
    const member = set.members.find((one) => one.repository === name);
    const decision = decisions.find((one) => one.repository === name);
    const rows = decision ? rowsOf(decision.view) : [];
    const { state, note } = lineState({ set, member, decision, after: after.get(name) ?? [] });
    return {
      ...lineBase(set, name, after),
      workers: rows.length,
      done: rows.filter((row) => row.state === 'merged' || row.state === 'skipped').length,
      branch: member?.snapshot.integration
        ? {
            label: integrationBranch(member.snapshot.build),
            url: `${urlOf(set, name)}/tree/${integrationBranch(member.snapshot.build)}`,
          }
        : null,
      state,
      note,
      final: member?.final ? gated(member.final) : null,
      released: released.has(name),
      revert: member?.revert ? gated(member.revert) : null,
    };
  });
  return { home: set.homeRepository, repositories, rollback: rollback ?? null };
}

/**
 * The set's progress as one build's: every repository's workers, each row with
 * its repository and its pull request named with it, the totals of every
 * build of the set (the set build's plan sessions too), one budget.
 */
export function setProgress({
  set,
  plan,
  decisions,
  home,
  config,
}: {
  set: SetSnapshot;
  plan: Plan;
  decisions: MemberDecision[];
  /** The set build's ledger (its plan sessions) and the history and links of its issue. */
  home: { ledger: Ledger; history: BuildProgress['history']; links: BuildProgress['links'] };
  config: Config;
}): BuildProgress {
  const progresses = decisions.flatMap((one) => {
    const progress = progressOf(one.view);
    return progress ? [{ repository: one.repository, progress }] : [];
  });
  const shown = new Map<string, WorkerRow>();
  for (const { repository, progress } of progresses)
    for (const row of progress.workers) shown.set(row.id, relabel(row, repository));
  const rows = plan.workers
    .map((worker) => shown.get(worker.id) ?? startingRow(worker, set.homeRepository))
    .sort((a, b) => compareWorkerIds(a.id, b.id));
  const totals = sumTotals([home.ledger.total, ...progresses.map((one) => one.progress.totals)]);
  const maxUsd = config.budget.maxUsd;
  const daily = progresses.flatMap((one) => one.progress.budget.daily ?? []);
  return {
    build: set.home.build,
    issue: set.home.issue.number,
    title: plan.title,
    workers: rows,
    totals: {
      ...totals,
      merged: rows.filter((row) => row.state === 'merged').length,
      skipped: rows.filter((row) => row.state === 'skipped').length,
      total: rows.length,
      byRole: sumRoles([
        home.ledger.byRole,
        ...progresses.map((one) => one.progress.totals.byRole),
      ]),
    },
    paused: progresses.find((one) => one.progress.paused)?.progress.paused ?? null,
    budget: {
      maxUsd,
      reached: maxUsd !== null && totals.costUsd >= maxUsd,
      ...(daily.length > 0 ? { daily } : {}),
    },
    finalPull: null,
    history: home.history,
    links: home.links,
  };
}

/** The set's phase: delivered once every repository merged, cancelled once none goes on. */
export function setPhase(decisions: MemberDecision[]): 'running' | 'done' | 'cancelled' {
  const phases = decisions.map((one) => one.view.phase);
  if (phases.length > 0 && phases.every((phase) => phase === 'done')) return 'done';
  if (phases.some((phase) => phase === 'cancelled') && phases.every(ended)) return 'cancelled';
  return 'running';
}

function ended(phase: StatusView['phase']): boolean {
  return phase === 'done' || phase === 'cancelled';
}

function lineBase(set: SetSnapshot, name: string, after: Map<string, string[]>) {
  return {
    name,
    url: urlOf(set, name),
    after: after.get(name) ?? [],
    branch: null,
    final: null,
    released: false,
    revert: null,
  };
}

function urlOf(set: SetSnapshot, name: string): string {
  return set.repositories.find((one) => one.name === name)?.url ?? `https://github.com/${name}`;
}

function configOf(set: SetSnapshot, name: string, fallback: Config): Config {
  const read = set.repositories.find((one) => one.name === name)?.config;
  return read?.ok ? read.config : fallback;
}

function gated(pull: NonNullable<SetMember['final']>) {
  return { number: pull.number, url: pull.url, state: pull.state };
}

/** Where a repository's build stands, and what holds it, in a few words. */
function lineState({
  set,
  member,
  decision,
  after,
}: {
  set: SetSnapshot;
  member: SetMember | undefined;
  decision: MemberDecision | undefined;
  after: string[];
}): { state: SetRepositoryState; note: string | null } {
  const view = decision?.view;
  if (member?.final?.state === 'merged' || view?.phase === 'done')
    return { state: 'merged', note: null };
  if (!view) return { state: 'starting', note: null };
  switch (view.phase) {
    case 'cancelled':
      return { state: 'cancelled', note: null };
    case 'planning':
      return { state: 'starting', note: 'its part of the plan is being copied over' };
    case 'plan-failed':
      return { state: 'attention', note: 'copying its part of the plan failed: re-run its run' };
    case 'config-invalid':
      return { state: 'attention', note: 'its .github/baton.yml has problems' };
    case 'missing-workflow':
      return { state: 'attention', note: "Baton's workflow is missing there" };
    default:
      break;
  }
  const final = member?.final;
  if (final?.state === 'open') {
    const waiting = after.filter(
      (repo) => set.members.find((one) => one.repository === repo)?.final?.state !== 'merged',
    );
    return {
      state: 'landing',
      note: waiting.length > 0 ? `waits for ${waiting.join(', ')}` : 'ready to merge',
    };
  }
  const rows = rowsOf(view);
  const stuck = rows.find((row) => ['failed', 'impossible', 'needs-human'].includes(row.state));
  if (stuck)
    return {
      state: 'attention',
      note: `${stuck.id} ${stuck.state === 'failed' ? 'failed' : stuck.state === 'impossible' ? 'says it cannot be done' : 'needs a person'}`,
    };
  const validation = progressOf(view)?.validations?.at(-1);
  if (validation?.state === 'failed' && validation.failed.some((one) => one.worker === null))
    return {
      state: 'attention',
      note: `milestone ${validation.milestone} failed validation with no fix worker: push a fix to its build branch, or /replan`,
    };
  const unvalidated = decision?.snapshot.changeSet?.unvalidated ?? [];
  const done = rows.every((row) => row.state === 'merged' || row.state === 'skipped');
  if (rows.length > 0 && done && unvalidated.length > 0)
    return {
      state: 'running',
      note: `its final pull request waits for the last validation of ${unvalidated.join(', ')}`,
    };
  const waitsOutside =
    rows.length > 0 &&
    rows.every(
      (row) => row.state === 'waiting' || row.state === 'merged' || row.state === 'skipped',
    );
  const holders = waitsOutside ? after.filter((repo) => isHeld(set, repo)) : [];
  if (holders.length > 0) return { state: 'held', note: `held by ${holders.join(', ')}` };
  return { state: 'running', note: null };
}

/** A repository whose build cannot go on by itself: cancelled, or its final pull request closed. */
function isHeld(set: SetSnapshot, repo: string): boolean {
  const member = set.members.find((one) => one.repository === repo);
  return member?.final?.state === 'closed' || member?.snapshot.finalPull?.state === 'closed';
}

function progressOf(view: StatusView): BuildProgress | null {
  if (view.phase === 'running') return view.progress;
  if (view.phase === 'done' || view.phase === 'cancelled') return view.progress;
  return null;
}

function rowsOf(view: StatusView): WorkerRow[] {
  return progressOf(view)?.workers ?? [];
}

/** A row named with its repository, its pull request too: `acme/lib#41`. */
function relabel(row: WorkerRow, repository: string): WorkerRow {
  return {
    ...row,
    repository,
    ...(row.pull ? { pull: { ...row.pull, label: `${repository}${row.pull.label}` } } : {}),
  };
}

/** A worker of a repository whose part is not copied over yet. */
function startingRow(worker: PlanWorker, home: string): WorkerRow {
  return {
    ...waitingWorkerRow({
      id: worker.id,
      title: worker.title,
      dependsOn: worker.depends_on,
      engine: worker.engine ?? 'baton',
    }),
    repository: repositoryOf(worker, home),
  };
}

function sumTotals(tallies: Tally[]): Tally {
  return tallies.reduce(
    (sum, one) => ({
      tokens: sum.tokens + one.tokens,
      costUsd: sum.costUsd + one.costUsd,
      sessions: sum.sessions + one.sessions,
      estimated: sum.estimated + one.estimated,
    }),
    { tokens: 0, costUsd: 0, sessions: 0, estimated: 0 },
  );
}

function sumRoles(all: Ledger['byRole'][]): Ledger['byRole'] {
  const [first, ...rest] = all;
  if (!first) throw new Error('no ledger');
  const roles = Object.keys(first) as (keyof Ledger['byRole'])[];
  return Object.fromEntries(
    roles.map((role) => [role, sumTotals([first[role], ...rest.map((one) => one[role])])]),
  ) as Ledger['byRole'];
}
