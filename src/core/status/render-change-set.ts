/**
 * A change set's part of the status comment (docs/change-sets.md): a line per
 * repository in the order they land, and the plan's graph drawn by
 * repository.
 */
import type { Plan } from '../plan/plan.js';
import { repositoryOf } from '../plan/set-plan.js';
import { code, escapeCell, escapeMermaidLabel, escapeText } from '../vocabulary/markdown.js';
import { formatTime, formatUsd } from './progress-format.js';
import { link } from './render-progress-table.js';
import type { ChangeSetView, SetRepositoryLine, SetRepositoryState } from './status-view.js';

const STATE_TEXT: Record<SetRepositoryState, string> = {
  planned: '📋 planned',
  starting: '⏳ starting',
  running: '🔨 running',
  held: '⛔ held',
  attention: '🙋 needs a person',
  landing: '📦 landing',
  merged: '✅ merged',
  cancelled: '🛑 cancelled',
};

/** The set's repositories, one row each, in the order their final pull requests land. */
export function renderChangeSet(view: ChangeSetView): string {
  if (view.repositories.length === 0) return planningLine(view);
  const lines = [
    `**Change set** across ${view.repositories.length} repositories, landing in this order: ${view.repositories.map((repo) => code(repo.name)).join(' → ')}.`,
  ];
  if (view.planning && !view.planning.across && view.planning.why) {
    lines.push('', `ℹ️ ${escapeText(view.planning.why)}`);
  }
  lines.push(
    '',
    '| Repository | Workers | Build branch | Final pull request | State |',
    '| --- | --- | --- | --- | --- |',
    ...view.repositories.map(repositoryLine),
  );
  if (view.rollback) {
    lines.push(
      '',
      `↩️ **Rolled back** by ${escapeText(view.rollback.by)} (${formatTime(view.rollback.at)}): a revert pull request in every repository whose final pull request merged, released in reverse order.`,
    );
  }
  return lines.join('\n');
}

/** While the set plans: which repositories its plan session reads, or why only this one. */
function planningLine({ planning, home }: ChangeSetView): string {
  if (!planning) return '';
  if (!planning.across) return `ℹ️ ${escapeText(planning.why ?? `Planned for ${home} alone.`)}`;
  return `🔭 **Change set:** the plan session reads ${planning.repositories.map((repo) => code(repo)).join(', ')} too (read-only), and may give workers to them.`;
}

function repositoryLine(repo: SetRepositoryLine): string {
  const workers =
    repo.estimateUsd === undefined
      ? `${repo.done} of ${repo.workers} done`
      : `${repo.workers} (about ${formatUsd(repo.estimateUsd)})`;
  const final = repo.final
    ? `${link(repo.final.url, `#${repo.final.number}`)} ${repo.final.state}${repo.final.state === 'open' ? (repo.released ? ', released' : ', waiting') : ''}`
    : '—';
  const revert = repo.revert
    ? `<br>↩️ revert ${link(repo.revert.url, `#${repo.revert.number}`)} ${repo.revert.state}`
    : '';
  const note = repo.note ? `: ${escapeCell(repo.note)}` : '';
  const cells = [
    link(repo.url, repo.name),
    workers,
    repo.branch ? link(repo.branch.url, repo.branch.label) : '—',
    `${final}${revert}`,
    `${STATE_TEXT[repo.state]}${note}`,
  ];
  return `| ${cells.join(' | ')} |`;
}

/** A node id mermaid accepts: `W1.1` becomes `W1_1`. */
function nodeId(worker: string): string {
  return worker.replace('.', '_');
}

/** The set's plan as a graph: one box per repository, every dependency an edge, across them too. */
export function renderSetGraph(plan: Plan, home: string): string {
  const lines = ['```mermaid', 'graph LR'];
  const repositories = [...new Set(plan.workers.map((worker) => repositoryOf(worker, home)))];
  for (const [index, repo] of repositories.entries()) {
    lines.push(`  subgraph repo${index}["${escapeMermaidLabel(repo)}"]`);
    for (const worker of plan.workers.filter((one) => repositoryOf(one, home) === repo))
      lines.push(
        `    ${nodeId(worker.id)}["${escapeMermaidLabel(`${worker.id}: ${worker.title}`)}"]`,
      );
    lines.push('  end');
  }
  for (const worker of plan.workers)
    for (const dep of worker.depends_on) lines.push(`  ${nodeId(dep)} --> ${nodeId(worker.id)}`);
  lines.push('```');
  return lines.join('\n\n');
}
