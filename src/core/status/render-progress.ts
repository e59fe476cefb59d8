import { repeatLine } from '../memory/repeat-rate.js';
import type { DailyCapHold } from '../snapshot/daily-spend.js';
import type { MemoryPull } from '../snapshot/snapshot.js';
import { contractStateLine } from '../verification/contract-state.js';
import { quoted } from '../verification/quoted.js';
import { buildDir } from '../vocabulary/ids.js';
import { code, escapeText } from '../vocabulary/markdown.js';
import { formatTime, formatTokens, formatUsd } from './progress-format.js';
import { renderMessages } from './render-messages.js';
import { renderProgressGraph } from './render-progress-graph.js';
import { link, renderCommandHistory, renderWorkerTable } from './render-progress-table.js';
import { fitBlocks } from './render-report.js';
import { renderSpendByRole, renderStateLegend } from './render-spend.js';
import { awaitsValidation, ignoredValidationsLine, validationLine } from './render-validations.js';
import type {
  AdaptationView,
  BaseGone,
  BuildProgress,
  ProgressStatusView,
  StatusView,
} from './status-view.js';

/** A status comment must stay under GitHub's 65,536 characters, header, marker and ledger included. */
export const PROGRESS_MAX_CHARS = 60_000;

const BAR_WIDTH = 20;

/**
 * The status comment's body for a build past its plan (`running`, `done`,
 * `cancelled`); `renderStatus` adds the marker and the heading.
 */
export function renderProgress(
  view: ProgressStatusView & Pick<StatusView, 'changeSet'>,
  { maxChars = PROGRESS_MAX_CHARS }: { maxChars?: number } = {},
): string {
  const limit = Math.min(maxChars, PROGRESS_MAX_CHARS);
  // A change set's final pull requests are its repositories', listed above the progress.
  const set = view.changeSet !== undefined;
  switch (view.phase) {
    case 'running':
      return fitProgress(view.progress, notices(view.progress, set), limit);
    case 'done': {
      const final = view.progress?.finalPull;
      const lead = set
        ? "🎉 **Delivered.** Every repository's final pull request was merged, in order."
        : `🎉 **Delivered.** The final pull request${final ? ` ${link(final.url, `#${final.number}`)}` : ''} was merged.`;
      const notes = [lead, ...memoryLines(view.progress)];
      return view.progress ? fitProgress(view.progress, notes, limit) : notes.join('\n\n');
    }
    case 'cancelled': {
      const by = view.cancelledBy;
      const who = view.stopped
        ? `because ${baseGoneText(view.stopped).replace(/\.$/, '')}`
        : !by
          ? 'because the issue was closed'
          : by.closed
            ? `by ${escapeText(by.by)}, who closed the issue (${formatTime(by.at)})`
            : `by ${escapeText(by.by)} (${formatTime(by.at)})`;
      const lead = [
        `🛑 **Cancelled** ${who}.`,
        '',
        `Open worker pull requests are closed, worker branches deleted and unfinished sessions cancelled. The build branch and the record under ${code(`${buildDir(view.build)}/`)} are kept.`,
      ].join('\n');
      return view.progress ? fitProgress(view.progress, [lead], limit) : lead;
    }
    default: {
      const _exhaustive: never = view;
      return _exhaustive;
    }
  }
}

/** What the build's memory did: how often its reviews repeated a lesson, and its learn pull request. */
function memoryLines(progress: BuildProgress | null | undefined): string[] {
  const repeated = progress?.repeats ? repeatLine(progress.repeats) : null;
  return [
    ...(repeated ? [`📚 ${repeated}`] : []),
    ...(progress?.memoryPull ? [memoryLine(progress.memoryPull)] : []),
  ];
}

/** The learn pull request: how many lessons it proposes (its changed files), and what became of it. */
export function memoryLine(pull: MemoryPull): string {
  const count = pull.lessons === 1 ? '1 lesson' : `${pull.lessons} lessons`;
  const fate =
    pull.state === 'open'
      ? 'waits for a person'
      : pull.state === 'merged'
        ? 'merged: later sessions read them'
        : 'closed without merging';
  return `📚 ${count} proposed — ${link(pull.url, `#${pull.number}`)}, ${fate}.`;
}

/**
 * The progress with the phase's notices under its bar: in full if it fits;
 * else without the graph; else without finished rows; else cut at a line.
 */
function fitProgress(progress: BuildProgress, notes: string[], limit: number): string {
  const shapes = [
    { graph: true, finishedRows: true },
    { graph: false, finishedRows: true },
    { graph: false, finishedRows: false },
  ];
  for (const shape of shapes) {
    const body = progressBlocks(progress, notes, shape).join('\n\n');
    if (body.length <= limit) return body;
  }
  const blocks = progressBlocks(progress, notes, { graph: false, finishedRows: false });
  return fitBlocks({
    blocks,
    note: '> ✂️ Shortened to fit in one comment.',
    limit,
  });
}

function progressBlocks(
  progress: BuildProgress,
  notes: string[],
  { graph, finishedRows }: { graph: boolean; finishedRows: boolean },
): string[] {
  return [
    `### ${quoted(progress.title)}`,
    progressLine(progress),
    ...(progress.contract ? [contractStateLine(progress.contract)] : []),
    ...notes,
    ...(graph ? [renderProgressGraph(progress.workers)] : []),
    renderWorkerTable(progress.workers, { finishedRows }),
    ...renderMessages(progress.messages),
    renderStateLegend(),
    totalsLine(progress),
    ...renderCommandHistory(progress.history),
  ];
}

function progressLine({ totals }: BuildProgress): string {
  const done = totals.merged + totals.skipped;
  const filled = totals.total === 0 ? 0 : Math.round((done / totals.total) * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
  return `\`${bar}\` **${done} of ${totals.total}** workers done (${totals.merged} merged${skipped})`;
}

/** A daily cap reached, as the status says it (past the plan, and while it holds the first plan). */
export function dailyCapLine(hold: DailyCapHold): string {
  const spent = `${formatUsd(hold.spentUsd)} today (${hold.day}, UTC)`;
  if (hold.scope === 'asker')
    return `💸 **Paused, the asker's daily budget reached:** the builds ${escapeText(hold.asker ?? 'its asker')} asked for have cost ${spent} of the organisation policy's \`limits.perAskerDailyUsd\` ${formatUsd(hold.capUsd)}. No new sessions start until it resets at 00:00 UTC; merges go on.`;
  return hold.scope === 'repository'
    ? `💸 **Paused, daily budget reached:** this repository's sessions have cost ${spent} of \`budget.dailyUsd\` ${formatUsd(hold.capUsd)}. No new sessions start until tomorrow (UTC); merges go on.`
    : `💸 **Paused, the installation's daily budget reached:** the sessions of all this installation's repositories have cost ${spent} of the app's \`BATON_INSTALLATION_DAILY_USD\` ${formatUsd(hold.capUsd)}. No new sessions start until it resets at 00:00 UTC; merges go on.`;
}

function notices(progress: BuildProgress, set = false): string[] {
  const lines: string[] = [
    ...(progress.adaptations ?? []).map(adaptationLine),
    ...(progress.validations ?? []).map(validationLine),
    ...ignoredValidationsLine(progress.ignoredValidations),
  ];
  if (progress.paused) {
    lines.push(
      `⏸️ **Paused** by ${escapeText(progress.paused.by)} (${formatTime(progress.paused.at)}): no new workers start; running ones go on and merges continue. Reply \`/resume\` to go on.`,
    );
  }
  if (progress.budget.reached && progress.budget.maxUsd !== null) {
    lines.push(
      `💸 **Paused, budget reached:** ${formatUsd(progress.totals.costUsd)} spent of ${formatUsd(progress.budget.maxUsd)}. No new sessions start; merges go on. Raise \`budget.maxUsd\` in \`.github/baton.yml\` (or set it to \`null\` for no cap) to go on.`,
    );
  }
  lines.push(...(progress.budget.daily ?? []).map(dailyCapLine));
  lines.push(...memoryLines(progress));
  const final = progress.finalPull;
  if (final?.state === 'open') {
    lines.push(
      `📦 **Final pull request:** ${link(final.url, `#${final.number}`)}. Merge it to deliver the build.`,
    );
  } else if (final?.state === 'closed') {
    lines.push(
      `⚠️ The final pull request ${link(final.url, `#${final.number}`)} was closed without merging. Reopen it to deliver the build.`,
    );
  } else if (
    !final &&
    progress.totals.total > 0 &&
    progress.totals.merged + progress.totals.skipped === progress.totals.total
  ) {
    lines.push(
      set
        ? "📦 Every worker is done: each repository's final pull request lands in the order above."
        : doneLine(progress),
    );
  }
  return lines;
}

/** Every worker is done: the final PR is next, after a research build's synthesis. */
function doneLine({ synthesis, followUps, validations }: BuildProgress): string {
  if (awaitsValidation(validations)) {
    return "🧪 Every worker is done; the final pull request waits for the last milestone's validation against the contract.";
  }
  if (synthesis?.state === 'succeeded' && followUps?.state === 'proposed') {
    return `🔎 ${followUpsText(followUps.workers)}: reply \`/approve\` to investigate ${them(followUps.workers)} (a worker each, reviewed and merged, then a synthesis of the new findings), or \`/skip follow-ups\` to open the final pull request without ${them(followUps.workers)}.`;
  }
  if (synthesis === undefined || synthesis?.state === 'succeeded') {
    return '📦 Every worker is done; the final pull request is being opened.';
  }
  if (synthesis === null) return '📝 Every worker is done; the synthesis session is starting.';
  const run = link(synthesis.url, 'synthesis run');
  switch (synthesis.state) {
    case 'running':
      return `📝 Every worker is done; the synthesis session is writing the report (${run}).`;
    case 'retrying':
      return `📝 The synthesis session failed (${run}); \`/retry synthesis\` starts it again once the build may start sessions.`;
    case 'awaiting-budget':
      return `💸 The synthesis session waits for budget (${run}): ${synthesis.money ?? 'the budget stopped it'}.`;
    default:
      return `⚠️ The synthesis session failed (${run}): the report and the final pull request wait. Its job summary says why; comment \`/retry synthesis\` to run it again.`;
  }
}

/** `The synthesis proposed 2 follow-up questions (W3.1, W3.2)`. */
export function followUpsText(workers: string[]): string {
  const questions = workers.length === 1 ? 'question' : 'questions';
  return `The synthesis proposed ${workers.length} follow-up ${questions} (${workers.join(', ')})`;
}

/** `it` for one follow-up question, `them` for more. */
export function them(workers: string[]): string {
  return workers.length === 1 ? 'it' : 'them';
}

/** One adaptation: which briefs, what happens to them, the diff once there is one. */
function adaptationLine(view: AdaptationView): string {
  const names = view.workers.join(', ');
  const briefs = `${view.workers.length === 1 ? 'brief' : 'briefs'} of ${names}`;
  const diff = view.diff ? ` (${link(view.diff, 'diff')})` : '';
  const run = view.run ? ` (${link(view.run.url, view.run.label)})` : '';
  const after = `after ${view.source}'s learnings`;
  switch (view.state) {
    case 'pending':
      return `✏️ The ${briefs} will be revised ${after} once sessions may start again; ${names} ${view.workers.length === 1 ? 'waits' : 'wait'} for it.`;
    case 'revising':
      return `✏️ **Adapting** the ${briefs} ${after}${run}; ${names} ${view.workers.length === 1 ? 'waits' : 'wait'} for it.`;
    case 'awaiting-approval':
      return `✏️ **Revised** the ${briefs} ${after}${diff}. Reply \`/approve\` to start ${names} with the change.`;
    case 'applied':
      return `✏️ Revised the ${briefs} ${after}${diff}.`;
    case 'unchanged':
      return `✏️ The adapt session after ${view.source} changed no brief${run}.`;
    case 'failed':
      return `⚠️ Adapting the ${briefs} ${after} failed${run}; ${names} ${view.workers.length === 1 ? 'starts' : 'start'} with the old ${view.workers.length === 1 ? 'brief' : 'briefs'}.`;
    default: {
      const _exhaustive: never = view.state;
      return _exhaustive;
    }
  }
}

function totalsLine({ totals, budget }: BuildProgress): string {
  const cap = budget.maxUsd === null ? '' : ` of ${formatUsd(budget.maxUsd)} budget`;
  return [
    `**Total:** ${formatTokens(totals.tokens)} tokens · ${formatUsd(totals.costUsd)}${cap}`,
    renderSpendByRole(totals),
  ].join('\n\n');
}

/** Why a build on a pull request's branch stopped, in a sentence. */
export function baseGoneText({ why, pull, branch }: BaseGone): string {
  return why === 'deleted'
    ? `the branch \`${branch}\` it builds on was deleted before its final pull request opened.`
    : `the pull request #${pull} it builds on was closed before its final pull request opened.`;
}
