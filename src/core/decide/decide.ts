/**
 * `decide()`: the top of the pure core. It picks the build's phase (planning,
 * running, an improvement series, cancelled, done) and asks the rules of that
 * phase; `check-commands.ts` answers the commands the rules cannot take.
 */
import type { ParsedConfig } from '../config/config.js';
import { DEFAULT_SESSION_TIMEOUT_MINUTES } from '../config/session-settings.js';
import { type Action, type RuleAction, uniqueActions } from '../context/action.js';
import { type DecideContext, type Decision, makeContext } from '../context/decide-context.js';
import { decideLearn, decideRemembered } from '../rules/decide-learn.js';
import { decideNotices } from '../rules/decide-notices.js';
import { DEFAULT_RUNNER } from '../sessions/session.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import type { StatusView } from '../status/status-view.js';
import { CONFIG_FILE, WORKFLOW_PATH } from '../vocabulary/ids.js';
import { decideEnded, withCleanUp } from './decide-ended.js';
import { decideSingle } from './decide-planning.js';
import { decideSeries, findSeries } from './decide-series.js';

/** What `decide` is given: a build's truth on GitHub, its settings, and the time. */
export interface DecideInput {
  snapshot: BuildSnapshot;
  config: ParsedConfig;
  now: string;
}

/**
 * What should happen next to one build, given its truth on GitHub. Pure,
 * total and deterministic: the same truth, listed in any order and with any
 * repeats, gives the same actions in the same order. The last action is
 * always the one `render-status` for the build's current phase.
 */
export function decide({ snapshot, config, now }: DecideInput): Action[] {
  const { build } = snapshot;
  if (!config.ok) {
    const file = config.problems[0]?.file ?? `.github/${CONFIG_FILE}`;
    return [status({ phase: 'config-invalid', build, file, problems: config.problems }, snapshot)];
  }
  if (!snapshot.workflowInstalled) {
    const setup = snapshot.setupPull;
    const setupPull = setup ? { label: `#${setup.number}`, url: setup.url } : null;
    return [
      status(
        { phase: 'missing-workflow', build, workflowPath: WORKFLOW_PATH, setupPull },
        snapshot,
      ),
    ];
  }
  const ctx = makeContext({ snapshot, config: config.config, now });
  const { actions, view } = decidePhase(ctx);
  const open = config.config.session.network === 'open';
  const { ignoredClose } = ctx;
  const policy = config.policy;
  const policyIgnored =
    policy && policy.ignored.length > 0
      ? { source: policy.source.source, ignored: policy.ignored }
      : null;
  return [
    ...uniqueActions(frameSessions(ctx, actions)),
    status(
      {
        ...view,
        ...(open ? { networkOpen: true } : {}),
        ...(policyIgnored ? { policyIgnored } : {}),
        ...(ignoredClose ? { ignoredClose } : {}),
      },
      snapshot,
    ),
  ];
}

function decidePhase(ctx: DecideContext): Decision {
  const ended = decideEnded(ctx);
  if (ended) return ended;
  const series = findSeries(ctx);
  const phase = series ? decideSeries(ctx, series) : decideSingle(ctx);
  const upkept = isAdapting(phase.view)
    ? upkeep(ctx).filter((action) => action.kind !== 'sync-build-branch')
    : upkeep(ctx);
  // Notices are asked once, of the phase's final view and its workers.
  const notices = decideNotices(ctx, phase);
  const actions = [...upkept, ...phase.actions, ...notices];
  // A final PR closed without merging waits for a person: the build is finished until then,
  // and has ended as far as its lessons go (docs/memory.md).
  if (ctx.snapshot.finalPull?.state !== 'closed')
    return { actions: [...actions, ...decideRemembered(ctx)], view: phase.view };
  const decided = { actions, view: phase.view };
  return withCleanUp(ctx, { ...decided, actions: [...decided.actions, ...decideLearn(ctx)] });
}

/** An adapt session runs: nothing moves the build branch until it has pushed. */
function isAdapting(view: StatusView): boolean {
  if (view.phase !== 'running') return false;
  return (view.progress.adaptations ?? []).some((entry) => entry.state === 'revising');
}

/** Rules of every active phase: give up on overdue runs, and merge a moved default branch in. */
function upkeep(ctx: DecideContext): Action[] {
  const cancels = ctx.snapshot.runs
    .filter((run) => ctx.overdue.has(run.id))
    .map((run): Action => ({ kind: 'cancel-run', runId: run.id }));
  const stale = ctx.snapshot.integration?.containsDefault === false;
  return stale ? [...cancels, { kind: 'sync-build-branch' }] : cancels;
}

/**
 * The rules' actions with every session they ask for framed as a `dispatch`
 * of this build: its build, issue, runner and time, what every session of the
 * build carries. Done once, at the end of `decide`.
 */
function frameSessions(ctx: DecideContext, actions: RuleAction[]): Action[] {
  const { session } = ctx.config;
  const setLeft = setBudgetLeft(ctx);
  const frame = {
    build: ctx.snapshot.build,
    issue: ctx.snapshot.issue.number,
    ...(setLeft === null ? {} : { setBudgetUsd: setLeft }),
    ...(session.runsOn === DEFAULT_RUNNER ? {} : { runner: session.runsOn }),
    ...(session.timeoutMinutes === DEFAULT_SESSION_TIMEOUT_MINUTES
      ? {}
      : { timeoutMinutes: session.timeoutMinutes }),
  };
  return actions.map((action) => {
    if (action.kind !== 'dispatch') return action;
    const engine = ctx.engineOf(action.request);
    // Baton's own loop is what a dispatch without an engine means.
    return {
      kind: 'dispatch',
      request: { ...action.request, ...frame, ...(engine === 'baton' ? {} : { engine }) },
      ...(action.chain === undefined ? {} : { chain: action.chain }),
    };
  });
}

/**
 * What a change set's one budget has left, for a member build's sessions, in
 * dollars with the cents rounded down (null: not a member, or no budget). The
 * session reads it from its dispatch inputs, which only the app sets for the
 * runs it dispatches: its own repository cannot raise it (docs/change-sets.md).
 */
function setBudgetLeft(ctx: DecideContext): number | null {
  const { maxUsd } = ctx.config.budget;
  const member = ctx.snapshot.changeSet;
  // The session reads the repository's budget: a change set's and a schedule's it learns here.
  if ((!member && ctx.budgetSource.kind === 'repository') || maxUsd === null) return null;
  const left = maxUsd - ctx.spentUsd - (member?.spentElsewhereUsd ?? 0);
  return Math.max(0, Math.floor(Math.round(left * 1e6) / 1e4) / 100);
}

/** The status comment's action, carrying the record of the build's ask to be kept with it. */
function status(view: StatusView, { ask }: BuildSnapshot): Action {
  return { kind: 'render-status', view, ...(ask ? { ask } : {}) };
}
