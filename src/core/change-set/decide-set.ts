/**
 * `decideSet()`: a change set's decision (docs/change-sets.md), a layer over
 * `decide`. Before it is approved the set build decides as any build plans,
 * its plan judged as a change set; once approved, each repository's member
 * build decides on its own truth with today's rules, and the set links them:
 * reports delivered across repositories, final pull requests released in
 * order, `/rollback`'s reverts, one status.
 */
import type { Config, ParsedConfig } from '../config/config.js';
import type { ConfigProblem } from '../config/config-problems.js';
import { type Action, uniqueActions } from '../context/action.js';
import { type DecideContext, makeContext } from '../context/decide-context.js';
import { decide } from '../decide/decide.js';
import { withCleanUp } from '../decide/decide-ended.js';
import { decidePlanning } from '../decide/decide-planning.js';
import type { Plan } from '../plan/plan.js';
import { isChangeSetPlan, repositoryOrder, sliceOf } from '../plan/set-plan.js';
import { notified } from '../rules/decide-notices.js';
import { owesValidation } from '../rules/decide-validate.js';
import { buildLedger } from '../snapshot/ledger.js';
import { normalizeSnapshot } from '../snapshot/normalize-snapshot.js';
import type { BuildSnapshot, CommandInfo } from '../snapshot/snapshot.js';
import type { ChangeSetView, CommandEntry, StatusView } from '../status/status-view.js';
import { commandText } from '../workers/build-progress.js';
import {
  decideChecks,
  decideClose,
  decideDeliveries,
  decideRollback,
  holdAutoMerge,
  releasedFinals,
  rollbackOf,
  setNotices,
} from './decide-links.js';
import { decideMember, type MemberDecision } from './decide-member.js';
import { memberFixes } from './member-fixes.js';
import { memberOfSet } from './member-snapshot.js';
import { outsideOf } from './outside.js';
import type { SetAction } from './set-action.js';
import { plansAcross, setCommands, setHome } from './set-commands.js';
import { setProblems } from './set-problems.js';
import type { SetSnapshot } from './set-snapshot.js';
import { plannedSetView, runningSetView, setPhase, setProgress } from './set-view.js';

/** What each build of the set does in its repository, what links them, and the one status. */
export interface SetDecision {
  /**
   * The set build first (its status last of its actions), then the members in
   * landing order, each with the configuration its own rules read.
   */
  builds: {
    repository: string;
    snapshot: BuildSnapshot;
    actions: Action[];
    config?: ParsedConfig;
  }[];
  links: SetAction[];
  view: StatusView;
}

/**
 * What should happen next to one change set. Pure and total, like `decide`:
 * the same truth gives the same actions in the same order.
 */
export function decideSet({
  set: whole,
  config,
  now,
}: {
  set: SetSnapshot;
  config: ParsedConfig;
  now: string;
}): SetDecision {
  if (!config.ok) return alone(whole, whole.home, decide({ snapshot: whole.home, config, now }));
  const settings = config.config;
  // A listed repository the app cannot reach is the configuration's problem: nothing starts.
  const unreachable = unreachableListed(whole, settings);
  if (unreachable.length > 0) {
    const broken = { ok: false as const, problems: unreachable };
    return alone(whole, whole.home, decide({ snapshot: whole.home, config: broken, now }));
  }
  const across = plansAcross(whole, settings);
  const read = whole.home.plan;
  const problems =
    read.kind === 'valid' && isChangeSetPlan(read.plan, whole.homeRepository)
      ? setProblems({ set: whole, plan: read.plan, config: settings, across })
      : [];
  const commands = setCommands(whole, { config: settings, across });
  const home = setHome(whole, { commands, problems });
  // Everything the set decides (its members, reverts, checks, status) reads the commands it took.
  const set: SetSnapshot = { ...whole, home };
  const ctx = makeContext({ snapshot: home, config: settings, now });
  const order = read.kind === 'valid' ? repositoryOrder(read.plan, set.homeRepository) : null;
  const approved = decidePlanning(ctx).kind === 'build' && home.workflowInstalled;
  const isSet = read.kind === 'valid' && isChangeSetPlan(read.plan, set.homeRepository);
  // A plan of the repository alone runs as any build; a set's runs once approved.
  if (!isSet || !approved || read.kind !== 'valid' || !order?.ok) {
    // The set build plans as any build does; its plan sessions read every listed repository.
    const actions = decide({ snapshot: home, config, now }).map((action) =>
      action.kind === 'dispatch' && action.request.role === 'plan' && across
        ? { ...action, request: { ...action.request, views: true as const } }
        : action,
    );
    const planned =
      isSet && read.kind === 'valid' && order?.ok && problems.length === 0
        ? plannedSetView({ set, plan: read.plan, ...order, config: settings })
        : null;
    const planning = planningLine(set, settings, across);
    return alone(set, home, withPlanned(actions, { planned, planning, home: set.homeRepository }));
  }
  const plan = { plan: read.plan, sha: read.sha };
  const released = releasedFinals(set, order.after);
  // A member's failed milestone whose fix workers the app adds reads as answered (`memberFixes`).
  const fixes = memberFixes(set, read.plan);
  const decisions = decideMembers({
    set: fixes.set,
    plan,
    order: order.order,
    after: order.after,
    ctx,
    now,
  });
  for (const decision of decisions)
    decision.actions = holdAutoMerge(decision.actions, released.has(decision.repository));
  const links = [
    ...decideDeliveries(decisions),
    ...decideChecks(set, { after: order.after, released }),
    ...decideRollback({ set, plan: read.plan, order: order.order }),
    ...decideClose(set),
  ];
  const progress = setProgress({
    set,
    plan: read.plan,
    decisions,
    home: { ledger: ctx.ledger, history: ctx.commands.history.map(entryOf), links: ctx.links },
    config: settings,
  });
  const rollback = rollbackOf(set);
  const changeSet: ChangeSetView = runningSetView({
    set,
    ...order,
    decisions,
    released,
    rollback: rollback ? { by: rollback.author, at: rollback.createdAt } : null,
  });
  const phase = setPhase(decisions);
  if (phase === 'running' && fixes.link) links.push(fixes.link);
  const view = withMembersPolicy(setViewOf({ set, phase, progress, decisions, changeSet }), set);
  const maxUsd = settings.budget.maxUsd;
  const notices = [
    ...decisions.flatMap((decision) => decision.notices),
    ...setNotices(set, {
      released,
      people: notified(ctx),
      budget:
        maxUsd !== null && progress.totals.costUsd >= maxUsd
          ? { maxUsd, spentUsd: progress.totals.costUsd }
          : null,
    }),
  ];
  const ended = phase !== 'running' ? withCleanUp(ctx, { actions: [], view }).actions : [];
  const homeActions: Action[] = [
    ...uniqueActions(notices),
    ...ended,
    { kind: 'render-status', view, ...(set.home.ask ? { ask: set.home.ask } : {}) },
  ];
  return {
    builds: [
      { repository: set.homeRepository, snapshot: home, actions: homeActions },
      ...decisions.map((one) => ({
        repository: one.repository,
        snapshot: one.snapshot,
        actions: one.actions,
        config: one.config,
      })),
    ],
    links,
    view,
  };
}

/** Each member decides in landing order, so what it waits on elsewhere is decided first. */
function decideMembers({
  set,
  plan,
  order,
  after,
  ctx,
  now,
}: {
  set: SetSnapshot;
  plan: { plan: Plan; sha: string };
  order: string[];
  after: Map<string, string[]>;
  ctx: DecideContext;
  now: string;
}): MemberDecision[] {
  const spent = new Map(
    set.members.map((member) => [
      member.repository,
      buildLedger(normalizeSnapshot(member.snapshot)).total.costUsd,
    ]),
  );
  const total = ctx.ledger.total.costUsd + [...spent.values()].reduce((a, b) => a + b, 0);
  // Every final pull request waits for each member's last validation (docs/change-sets.md).
  const unvalidated = set.members
    .filter((member) =>
      owesValidation(member.snapshot, sliceOf(plan.plan, member.repository, set.homeRepository)),
    )
    .map((member) => member.repository);
  const decisions: MemberDecision[] = [];
  for (const repository of order) {
    const member = set.members.find((one) => one.repository === repository);
    if (!member) continue;
    const changeSet = memberOfSet({
      set,
      order,
      after: after.get(repository) ?? [],
      outside: outsideOf({ plan: plan.plan, home: set.homeRepository, member, decided: decisions }),
      spentElsewhereUsd: total - (spent.get(repository) ?? 0),
      unvalidated,
    });
    decisions.push(decideMember({ set, member, plan, changeSet, config: ctx.config, now }));
  }
  return decisions;
}

function setViewOf({
  set,
  phase,
  progress,
  decisions,
  changeSet,
}: {
  set: SetSnapshot;
  phase: 'running' | 'done' | 'cancelled';
  progress: ReturnType<typeof setProgress>;
  decisions: MemberDecision[];
  changeSet: ChangeSetView;
}): StatusView {
  const build = set.home.build;
  if (phase === 'done') return { phase, build, progress, changeSet };
  if (phase === 'cancelled') {
    const cancelled = decisions.find((one) => one.view.phase === 'cancelled')?.view;
    const cancelledBy = cancelled?.phase === 'cancelled' ? cancelled.cancelledBy : null;
    return { phase, build, progress, cancelledBy, changeSet };
  }
  return { phase, build, progress, changeSet };
}

/** The set build alone: its actions, its status (with the set's repositories when known) last. */
function alone(set: SetSnapshot, snapshot: BuildSnapshot, actions: Action[]): SetDecision {
  const last = actions.at(-1);
  if (last?.kind !== 'render-status') throw new Error('decide ends with the status');
  const view = withMembersPolicy(last.view, set);
  return {
    builds: [
      {
        repository: set.homeRepository,
        snapshot,
        actions: [...actions.slice(0, -1), { ...last, view }],
      },
    ],
    links: [],
    view,
  };
}

/**
 * The status with the settings the organisation's policy ignored in each other
 * repository of the set named beside the home's own, each with its repository:
 * a member's looser setting is ignored there as at home, and said where the set is steered.
 */
function withMembersPolicy(view: StatusView, set: SetSnapshot): StatusView {
  const home = set.homeRepository.toLowerCase();
  const applied = set.repositories.flatMap((one) =>
    one.name !== home && one.config?.ok && one.config.policy
      ? [{ repository: one.name, policy: one.config.policy }]
      : [],
  );
  const ignored = applied.flatMap(({ repository, policy }) =>
    policy.ignored.map((setting) => ({ ...setting, repository })),
  );
  const source = view.policyIgnored?.source ?? applied[0]?.policy.source.source;
  if (ignored.length === 0 || source === undefined) return view;
  return {
    ...view,
    policyIgnored: { source, ignored: [...(view.policyIgnored?.ignored ?? []), ...ignored] },
  };
}

/**
 * The status with the set's repositories before the set runs: the plan's, or,
 * while planning, which repositories the plan reads (none in a build that
 * lists none).
 */
function withPlanned(
  actions: Action[],
  {
    planned,
    planning,
    home,
  }: {
    planned: ChangeSetView | null;
    planning: NonNullable<ChangeSetView['planning']>;
    home: string;
  },
): Action[] {
  const last = actions.at(-1);
  if (last?.kind !== 'render-status') return actions;
  const listed = planning.repositories.length > 0;
  const changeSet: ChangeSetView | null = planned
    ? { ...planned, planning }
    : listed && (last.view.phase === 'planning' || !planning.across)
      ? { home, repositories: [], planning }
      : null;
  const view = changeSet ? { ...last.view, changeSet } : last.view;
  // The ask's record stays: the set's askers are read back from it (`plansAcross`).
  return [...actions.slice(0, -1), { ...last, view }];
}

/**
 * What the set's configuration asks that cannot be: `changeSets.repositories`
 * listing a repository outside the installation, where GitHub refuses the
 * app's every read (the plan session's, each member's).
 */
function unreachableListed(set: SetSnapshot, config: Config): ConfigProblem[] {
  return config.changeSets.repositories
    .filter((name) => set.outsideInstallation.includes(name))
    .map((name) => ({
      field: 'changeSets.repositories',
      message: `${name} is not in this app's installation (or does not exist): install the app on it, in the same installation as ${set.homeRepository}, or take it out of the list.`,
    }));
}

function planningLine(
  set: SetSnapshot,
  config: Config,
  across: boolean,
): NonNullable<ChangeSetView['planning']> {
  const repositories = config.changeSets.repositories;
  return across
    ? { across, repositories }
    : {
        across,
        repositories,
        why: `Planned for ${set.homeRepository} alone: whoever asked for the build cannot write every repository of changeSets.repositories (${repositories.join(', ')}).`,
      };
}

function entryOf(info: CommandInfo): CommandEntry {
  return { author: info.author, text: commandText(info.command), at: info.createdAt };
}
