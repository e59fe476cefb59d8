/**
 * The rules of a planned build, one file a step: skips, reviews, merges,
 * dispatches, milestones' validations, the final pull request, adaptations, sub-issue mirrors, and the
 * notices that call a person (asked once by `decide`, after the phase).
 * `decideBuild` runs them in order over the workers' states, holding back the
 * workers an adaptation or a command holds (`worker-holds.ts`), and those a
 * person must let merge by their risk (`autonomy-holds.ts`).
 */
import type { DecideContext, Decision } from '../context/decide-context.js';
import { lookAgain } from '../context/runs.js';
import type { Plan } from '../plan/plan.js';
import { dependentChainLengths } from '../plan/schedule.js';
import type {
  AdaptationView,
  BuildProgress,
  MessageView,
  StatusView,
  ValidationView,
} from '../status/status-view.js';
import { buildProgress } from '../workers/build-progress.js';
import { deriveWorkers } from '../workers/derive-workers.js';
import { isDone, type WorkerState } from '../workers/worker-state.js';
import { applyAutonomy, standsFor } from './autonomy-holds.js';
import { commandHolds } from './command-rules.js';
import { decideAdaptations } from './decide-adapt.js';
import { decideFinal } from './decide-final.js';
import { decideMessages } from './decide-messages.js';
import { decideReviews } from './decide-review.js';
import { decideValidation } from './decide-validate.js';
import { decideMerge, decideSkips, decideWorkers } from './decide-workers.js';
import { decideMirror, decideSubIssues } from './sub-issues.js';
import { applyHolds, withoutHeld } from './worker-holds.js';

/** A phase's decision, with the workers its notices read (none before a plan is approved). */
export interface PhaseDecision extends Decision {
  workers: WorkerState[];
}

/**
 * An approved plan's rules: skips, reviews, merges, dispatches and, unless
 * `final` is false (an improvement loop that is not the last), the final PR.
 */
export function decideBuild(
  ctx: DecideContext,
  plan: Plan,
  { final = true, seriesReport }: { final?: boolean; seriesReport?: string } = {},
): PhaseDecision {
  const derived = deriveWorkers(ctx, plan);
  const adapt = decideAdaptations(ctx, derived);
  // A person's hold names the worker's note over an adaptation's.
  const holds = new Map([...adapt.holds, ...commandHolds(ctx)]);
  // A change its evidence calls risky waits for a person (`verification.autonomy`); a hold's note outranks its own.
  const workers = applyHolds(applyAutonomy(ctx, derived), holds);
  // In a change set a worker's chain runs on through the other repositories' workers.
  const chains = new Map([
    ...dependentChainLengths(plan.workers),
    ...Object.entries(ctx.snapshot.changeSet?.outside.chains ?? {}),
  ]);
  const done = new Set(workers.filter(isDone).map((state) => state.worker.id));
  const messages = decideMessages(ctx, { done });
  const validation = decideValidation(ctx, plan, workers);
  // While an adapt session runs, the build branch stays where it started: its commit fast-forwards it.
  const adapting = adapt.views.some((view) => view.state === 'revising');
  const stands = standsFor(workers, {
    sessionsUnderWay: adapting || (validation.views ?? []).some((view) => view.state === 'running'),
    maxParallel: ctx.config.maxParallel,
  });
  const progress = withStands(
    withValidations(
      withMessages(
        withAdaptations(buildProgress({ ctx, plan, workers }), adapt.views),
        messages.views,
      ),
      validation.views,
      ctx.snapshot.ignoredValidations?.length ?? 0,
    ),
    stands.map((state) => state.worker.id),
  );
  const actions = withoutHeld(holds, [
    // A taken message's ref goes before any session that could take it again starts.
    ...messages.actions,
    ...adapt.actions,
    ...decideSkips(ctx, workers),
    ...decideReviews(ctx, workers),
    ...(adapting ? [] : decideMerge({ ctx, workers, chains })),
    ...decideWorkers({ ctx, workers, chains }),
    ...validation.actions,
    ...(final
      ? decideFinal({ ctx, plan, workers, progress, ...(seriesReport ? { seriesReport } : {}) })
      : []),
    ...decideMirror({ snapshot: ctx.snapshot, config: ctx.config, plan, workers }),
    ...decideSubIssues(ctx.snapshot, workers),
    // A session that succeeded without its result in sight is judged once it has settled.
    ...lookAgain(workers.map((state) => state.settlesInMs)),
  ]);
  const view: StatusView = { phase: 'running', build: ctx.snapshot.build, progress };
  return { actions, view, workers };
}

function withStands(progress: BuildProgress, workers: string[]): BuildProgress {
  return workers.length > 0 ? { ...progress, waitsForPerson: workers } : progress;
}

function withMessages(progress: BuildProgress, views: MessageView[]): BuildProgress {
  return views.length > 0 ? { ...progress, messages: views } : progress;
}

function withValidations(
  progress: BuildProgress,
  views: ValidationView[] | null,
  ignored: number,
): BuildProgress {
  const withIgnored = ignored > 0 ? { ...progress, ignoredValidations: ignored } : progress;
  return views ? { ...withIgnored, validations: views } : withIgnored;
}

function withAdaptations(progress: BuildProgress, views: AdaptationView[]): BuildProgress {
  return views.length > 0 ? { ...progress, adaptations: views } : progress;
}
