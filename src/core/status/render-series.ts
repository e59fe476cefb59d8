import { blobUrl, escapeLinkText } from '../vocabulary/markdown.js';
import type { LoopStage, LoopView, SeriesView } from './status-view.js';

const STAGES: Record<LoopStage, string> = {
  researching: '🔎 researching',
  'research-failed': '❌ research failed',
  'research-awaiting-budget': '💸 research waits for budget',
  'nothing-worth-doing': '🟰 nothing worth doing',
  planning: '📋 planning',
  working: '🔨 workers running',
  summarizing: '📝 summarising',
  'summary-failed': '❌ summary failed',
  'summary-awaiting-budget': '💸 summary waits for budget',
  done: '✅ done',
};

/** The improvement loops under a build's status: one row per loop, and why the series stops. */
export function renderSeries(series: SeriesView): string {
  const rows = series.loops.map((loop) => {
    const run = loop.run ? ` — [${escapeLinkText(loop.run.label)}](${loop.run.url})` : '';
    return `| ${loop.loop} | ${STAGES[loop.stage]}${run} | ${loop.workers.join(', ') || '—'} | ${fileLink(series, 'findings', loop.findings)} | ${fileLink(series, 'summary', loop.summary)} |`;
  });
  return [
    `**Improvement loops** — ${series.loops.length} of ${series.asked} (asked by @${series.by.replace(/[^\w[\]-]/g, '')})`,
    '',
    '| Loop | Stage | Workers | Findings | Summary |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...notes(series),
  ].join('\n');
}

function notes(series: SeriesView): string[] {
  const last = series.loops.at(-1);
  const lines: string[] = [];
  if (series.ended === 'nothing-worth-doing' && last) {
    lines.push(
      `The research of loop ${last.loop} found nothing worth doing, so the series ended early.`,
    );
  }
  if (last?.stage === 'research-failed' || last?.stage === 'summary-failed') {
    lines.push(
      `Loop ${last.loop}'s session failed: read its run log. ${last.stage === 'summary-failed' ? 'No further loop starts; what is merged goes out in the final pull request.' : 'Reply `/cancel` to stop the series.'}`,
    );
  }
  if (series.money && last) lines.push(`💸 Loop ${last.loop} waits for budget: ${series.money}.`);
  if (series.paused) lines.push('⏸️ Paused: the next session of the series waits for `/resume`.');
  if (series.budgetReached)
    lines.push(
      '💸 The budget (`budget.maxUsd`, for the whole series) is spent: no session starts.',
    );
  return lines.length > 0 ? ['', ...lines] : [];
}

function fileLink(series: SeriesView, label: string, path: string | null): string {
  return path ? `[${label}](${blobUrl({ ...series.links, path })})` : '—';
}

/** The final pull request's section per loop: its workers, and its findings and summary by link. */
export function renderSeriesReport(series: SeriesView): string {
  const ran = series.loops.length;
  const why =
    series.ended === 'nothing-worth-doing'
      ? `; the research of loop ${ran} found nothing worth doing`
      : '';
  return [
    `### Improvement loops`,
    '',
    `The series ran ${ran} of ${series.asked} ${series.asked === 1 ? 'loop' : 'loops'}${why}.`,
    '',
    ...series.loops.map((loop) => reportLine(series, loop)),
  ].join('\n');
}

function reportLine(series: SeriesView, loop: LoopView): string {
  const files = [
    fileLink(series, 'findings', loop.findings),
    fileLink(series, 'summary', loop.summary),
  ]
    .filter((link) => link !== '—')
    .join(' · ');
  return `- **Loop ${loop.loop}** (${STAGES[loop.stage]}): ${loop.workers.join(', ') || 'no workers'}${files ? ` — ${files}` : ''}`;
}
