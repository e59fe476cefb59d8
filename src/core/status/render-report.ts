import { appliedLessons, appliedLessonsLine } from '../memory/applied-lessons.js';
import { type RepeatRate, repeatLine } from '../memory/repeat-rate.js';
import type { Plan } from '../plan/plan.js';
import type { Completion } from '../records/completion.js';
import type { MemberOfSet } from '../snapshot/snapshot.js';
import { quoted } from '../verification/quoted.js';
import { buildDir } from '../vocabulary/ids.js';
import { code, escapeLinkText } from '../vocabulary/markdown.js';
import { formatTokens, formatUsd, stateLabel } from './progress-format.js';
import { showsEngines } from './render-progress-table.js';
import { renderSpendByRole } from './render-spend.js';
import type { BuildProgress, WorkerRow } from './status-view.js';

/** GitHub refuses a pull request body of 65,536 characters or more; this leaves room to spare. */
export const REPORT_MAX_CHARS = 65_000;

/**
 * The final PR's body: the delivery report built from the completions — per
 * worker what was done, decisions, concerns and follow-ups; the lessons the workers said they
 * applied; tokens and cost
 * per worker, per role and in total (the build's ledger, as the status shows it); and `Closes #<issue>` first, so trimming a long
 * report never loses it.
 */
export function renderReport({
  plan,
  progress,
  completions,
  seriesReport,
  changeSet,
  guide,
  repeats,
  trailers,
}: {
  plan: Plan;
  progress: BuildProgress;
  completions: Record<string, Completion>;
  /** An improvement series: one section per loop, with its findings and summary by path. */
  seriesReport?: string;
  /** A change set's member build: its final PR names the set instead of closing the issue. */
  changeSet?: MemberOfSet;
  /** The review guide (src/core/verification/review-guide.ts): the body opens with it, after the issue it closes. */
  guide?: string;
  /** How often Baton's reviews given lessons found a lesson's mistake again (docs/memory.md). */
  repeats?: RepeatRate;
  /** Each merged worker's trailers (src/core/verification/write-trailers.ts), before the record's line. */
  trailers?: string;
}): string {
  const recordUrl = `${progress.links.repoUrl}/tree/${progress.links.branch}/${buildDir(progress.build)}`;
  const blocks = [
    changeSet ? partOfSet(changeSet) : `Closes #${progress.issue}`,
    ...(guide ? [guide, '## The delivery report'] : []),
    header(plan, progress),
    ...(seriesReport ? [seriesReport] : []),
    usageTable(progress),
    // Which lessons the workers said they applied, and how often reviews found one's mistake again (docs/memory.md, "How it is measured").
    ...[
      appliedLessonsLine(appliedLessons(Object.values(completions))),
      repeats ? repeatLine(repeats) : null,
    ].filter((line): line is string => line !== null),
    ...progress.workers.map((row) => workerSection(row, completions[row.id] ?? null)),
    ...(trailers ? [trailers] : []),
    `---\nThe build record — plan, briefs and every completion report — is in [${escapeLinkText(`${buildDir(progress.build)}/`)}](${recordUrl}).`,
  ];
  const note = `> ✂️ This report was shortened to fit GitHub's limit. Every worker's full report is in [${escapeLinkText(`${buildDir(progress.build)}/completions/`)}](${recordUrl}/completions).`;
  return fitBlocks({ blocks, note, limit: REPORT_MAX_CHARS });
}

function header(plan: Plan, progress: BuildProgress): string {
  const { merged, skipped, tokens, costUsd } = progress.totals;
  return [
    `**${reportText(plan.title)}**: ${merged} merged, ${skipped} skipped, ${formatTokens(tokens)} tokens, ${formatUsd(costUsd)} (build ${code(progress.build)}).`,
    '',
    reportText(plan.summary),
  ].join('\n');
}

/**
 * A member's final PR closes no issue (the set's issue is in another repository,
 * and is closed when every repository's final PR has merged): it names the set,
 * its repositories in the order they land, and the ones it lands after.
 */
function partOfSet({ issue, repositories, after }: MemberOfSet): string {
  const set = `[${escapeLinkText(`${issue.repository}#${issue.number}`)}](${issue.url})`;
  const order = repositories.map((repo) => code(repo)).join(' → ');
  const waits =
    after.length > 0
      ? ` It merges after the final pull requests of ${after.map((repo) => code(repo)).join(', ')} (the check \`baton/change-set\` waits for them).`
      : '';
  return `Part of the change set ${set}, which lands in this order: ${order}.${waits}`;
}

/** Per worker its result, PR and spend; and which engine did it, when any worker's was not Baton's own loop. */
function usageTable(progress: BuildProgress): string {
  const engines = showsEngines(progress.workers);
  const rows = progress.workers.map((row) => {
    const pull = row.pull ? `[${escapeLinkText(row.pull.label)}](${row.pull.url})` : '—';
    const title = reportText(row.title);
    const engine = engines ? ` ${row.engine} |` : '';
    // Every session of a worker is counted: its work, reviews, fixes and continuations.
    const sessions = row.sessions > 1 ? ` (${row.sessions} sessions)` : '';
    return `| ${row.id} | ${title} | ${stateLabel(row.state)}${sessions} | ${pull} |${engine} ${row.tokens === null ? '—' : formatTokens(row.tokens)} | ${row.costUsd === null ? '—' : formatUsd(row.costUsd)} |`;
  });
  const { merged, skipped, tokens, costUsd } = progress.totals;
  return [
    `| Worker | Title | Result | PR |${engines ? ' Engine |' : ''} Tokens | Cost |`,
    `| --- | --- | --- | --- |${engines ? ' --- |' : ''} --- | --- |`,
    ...rows,
    `| **Total** | | ${merged} merged, ${skipped} skipped | |${engines ? ' |' : ''} ${formatTokens(tokens)} | ${formatUsd(costUsd)} |`,
    '',
    renderSpendByRole(progress.totals),
  ].join('\n');
}

function workerSection(row: WorkerRow, completion: Completion | null): string {
  const heading = `### ${row.id}: ${reportText(row.title)}`;
  if (!completion) {
    const why =
      row.state === 'skipped' ? 'Skipped: not merged.' : 'No completion report was found.';
    return `${heading}\n\n${why}`;
  }
  return [
    heading,
    '',
    reportText(completion.summary),
    ...list('Decisions', completion.decisions),
    ...list('Concerns', completion.concerns),
    ...list('Follow-ups', completion.follow_up),
  ].join('\n');
}

function list(title: string, items: string[]): string[] {
  if (items.length === 0) return [];
  return ['', `**${title}**`, '', ...items.map((item) => `- ${reportText(item)}`)];
}

/** Longer than any text of a plan or a completion: the report quotes each whole (the body is cut, never a quote). */
const REPORT_QUOTE_MAX = 4000;

/**
 * Text a session wrote, quoted as the review guide quotes it: one line, inert, in quotes,
 * with no emphasis, code, link or cell of its own, so no title or summary reads as Baton's.
 */
function reportText(text: string): string {
  return quoted(text, REPORT_QUOTE_MAX);
}

/**
 * Joins blocks with blank lines; when the whole is too long, keeps as many
 * whole lines from the top as fit, and ends with the note.
 */
export function fitBlocks({
  blocks,
  note,
  limit,
}: {
  blocks: string[];
  note: string;
  limit: number;
}): string {
  const whole = blocks.join('\n\n');
  if (whole.length <= limit) return whole;
  const room = limit - note.length - 2;
  let kept = '';
  for (const line of whole.split('\n')) {
    const next = kept ? `${kept}\n${line}` : line;
    if (next.length > room) break;
    kept = next;
  }
  return `${kept.slice(0, room)}\n\n${note}`;
}
