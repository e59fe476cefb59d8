import { quoted } from '../verification/quoted.js';
import { code, escapeCell, escapeLinkText } from '../vocabulary/markdown.js';
import { formatTime, formatTokens, formatUsd, STATE_LABELS } from './progress-format.js';
import { renderRounds } from './render-spend.js';
import type { CommandEntry, Link, WorkerRow } from './status-view.js';

/** The plan comment shows full titles; the table keeps rows short (a cut title says how long it was). */
const TITLE_MAX = 60;

/** Whether a build's rows name their engine: only once one is not Baton's own loop. */
export function showsEngines(rows: readonly WorkerRow[]): boolean {
  return rows.some((row) => row.engine !== 'baton');
}

/** One row per worker: state with its note and hint, run, PR, attempts, tokens, cost (and the engine, when any is not Baton's). */
export function renderWorkerTable(
  rows: WorkerRow[],
  { finishedRows }: { finishedRows: boolean },
): string {
  const shown = finishedRows
    ? rows
    : rows.filter((row) => row.state !== 'merged' && row.state !== 'skipped');
  const hidden = rows.length - shown.length;
  const engines = showsEngines(rows);
  // A change set's rows name each worker's repository (docs/change-sets.md).
  const repos = rows.some((row) => row.repository !== undefined);
  const more = `${engines ? ' |' : ''}${repos ? ' |' : ''}`;
  const extra = (row: WorkerRow) =>
    `${engines ? ` ${row.engine} |` : ''}${repos ? ` ${code(row.repository ?? '')} |` : ''}`;
  return [
    `| | Worker | State | Run | PR | Attempts | Tokens | Cost |${engines ? ' Engine |' : ''}${repos ? ' Repository |' : ''}`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |${engines ? ' --- |' : ''}${repos ? ' --- |' : ''}`,
    ...shown.map((row) => `${workerLine(row)}${extra(row)}`),
    ...(hidden > 0 ? [`| | ${hidden} finished workers not listed | | | | | | |${more}`] : []),
  ].join('\n');
}

function workerLine(row: WorkerRow): string {
  const label = STATE_LABELS[row.state];
  const note = row.note ? `: ${escapeCell(row.note)}` : '';
  const hint = row.hint ? ` · ${row.hint.split(' · ').map(code).join(' · ')}` : '';
  const rounds = renderRounds(row.rounds);
  const review = rounds ? `<br>🔁 ${rounds}` : '';
  const cells = [
    label.emoji,
    // The session's title, quoted as the review guide quotes it: its markdown renders as text.
    `${row.id} · ${quoted(row.title, TITLE_MAX)}`,
    `${label.text}${note}${hint}${review}`,
    row.run ? linkTo(row.run) : '—',
    row.pull ? linkTo(row.pull) : '—',
    String(row.attempts),
    row.tokens === null ? '—' : formatTokens(row.tokens),
    row.costUsd === null ? '—' : formatUsd(row.costUsd),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** The last commands taken, folded away under the table. */
export function renderCommandHistory(entries: CommandEntry[]): string[] {
  if (entries.length === 0) return [];
  return [
    [
      '<details><summary>Recent commands</summary>',
      '',
      '| When | Who | Command |',
      '| --- | --- | --- |',
      ...entries.map(
        (entry) =>
          `| ${formatTime(entry.at)} | ${escapeCell(entry.author)} | ${code(entry.text).replace(/\|/g, '\\|')} |`,
      ),
      '',
      '</details>',
    ].join('\n'),
  ];
}

function linkTo(target: Link): string {
  return link(target.url, target.label);
}

/** `[label](url)` with the label escaped. */
export function link(url: string, label: string): string {
  return `[${escapeLinkText(label)}](${url})`;
}
