import type { Action } from './action.js';
import type { Completion } from './completion.js';
import type { DecideContext } from './decide-context.js';
import { parseBuildId } from './ids.js';
import type { Plan } from './plan.js';
import { renderReport } from './render-report.js';
import type { BuildProgress } from './status-view.js';
import { isDone, type WorkerState } from './worker-state.js';

/**
 * Once every worker is merged or skipped, the build branch goes to the
 * default branch in one final PR whose body is the delivery report; with
 * `final.autoMerge`, GitHub merges it when its checks pass.
 */
export function decideFinal({
  ctx,
  plan,
  workers,
  progress,
  seriesReport,
}: {
  ctx: DecideContext;
  plan: Plan;
  workers: WorkerState[];
  progress: BuildProgress;
  /** An improvement series' section per loop, for the report. */
  seriesReport?: string;
}): Action[] {
  if (!workers.every(isDone)) return [];
  const final = ctx.snapshot.finalPull;
  if (!final) {
    const completions: Record<string, Completion> = {};
    for (const state of workers)
      if (state.completion) completions[state.worker.id] = state.completion;
    return [
      {
        kind: 'open-final-pull',
        title: finalTitle(ctx.snapshot.build, plan),
        body: renderReport({
          plan,
          progress,
          completions,
          ...(seriesReport ? { seriesReport } : {}),
        }),
      },
    ];
  }
  const wantsAutoMerge = ctx.config.final.autoMerge && final.autoMerge !== true;
  return final.state === 'open' && wantsAutoMerge
    ? [{ kind: 'enable-auto-merge', pull: final.number }]
    : [];
}

/** `[<slug>] <plan title>`. */
export function finalTitle(build: string, plan: Plan): string {
  return `[${parseBuildId(build)?.slug ?? build}] ${plan.title}`;
}
