import type { MemoryTotals } from '../core/overview/memory-counts.js';
import type { Overview } from '../core/overview/overview.js';
import type { SpendGroup } from '../core/overview/spend.js';
import { ago, askedText, phaseText, usd } from '../page/render/format.js';

/**
 * The overview for a terminal (`baton status`): the page's views as lines.
 * Text from GitHub and models is printed without its control sequences
 * (`cliOutput` takes them out, src/cli/terminal-text.ts).
 */
export function renderStatusText(overview: Overview): string {
  const lines: string[] = [];
  const now = overview.at;
  if (overview.runaways.length > 0) {
    lines.push('Runaway workers:');
    for (const runaway of overview.runaways) {
      const what =
        runaway.reason === 'failing'
          ? `its last ${runaway.sessions} sessions ended without delivering (${usd(runaway.usd)})`
          : `${usd(runaway.usd)} spent within the hour`;
      lines.push(`  ${runaway.label} ${runaway.worker}: ${what}`);
    }
    lines.push('');
  }
  lines.push(`Builds (${overview.builds.length}):`);
  for (const row of overview.builds) {
    const waves = row.waves.map((wave) => `W${wave.wave} ${wave.done}/${wave.total}`).join(' ');
    lines.push(
      `  ${row.label}  ${row.title}  [${phaseText(row.phase)}]  ${waves}  ${usd(row.spentUsd)}  ${ago(row.lastActivity, now)}`,
    );
    if (row.asked)
      lines.push(`    ${askedText(row.asked)}${row.asked.link ? `  at: ${row.asked.link}` : ''}`);
    if (row.workers.length > 0)
      lines.push(`    ${row.workers.map((worker) => `${worker.id} ${worker.state}`).join('  ')}`);
  }
  for (const set of overview.sets) {
    lines.push(
      '',
      `Change set ${set.repository}#${set.issue.number}  ${set.title}  [${phaseText(set.phase)}]  ${usd(set.spentUsd)}`,
    );
    for (const repository of set.repositories) {
      lines.push(
        `    ${repository.name}  ${repository.state}  ${repository.done}/${repository.workers}${repository.note ? `  ${repository.note}` : ''}`,
      );
    }
  }
  lines.push('', `Waiting for a person (${overview.waiting.length}), oldest first:`);
  for (const item of overview.waiting) {
    const command = item.command ? `  copy: ${item.command}` : '';
    lines.push(
      `  ${ago(item.since, now)}  ${item.label}  ${item.text}${command}  at: ${item.where.url}`,
    );
  }
  const { spend } = overview;
  lines.push(
    '',
    `Spend: ${usd(spend.total.costUsd)} in ${spend.total.sessions} sessions (${spend.total.estimated} estimated); ${usd(spend.perMergedPull.each)} per merged worker pull request (${spend.perMergedPull.merged})`,
    `  by day: ${groups(spend.byDay)}`,
    `  by repository: ${groups(spend.byRepository)}`,
    `  by engine: ${groups(spend.byEngine)}`,
    `  by model: ${groups(spend.byModel)}`,
    `  by role: ${groups(spend.byRole)}`,
  );
  for (const cap of spend.caps) {
    lines.push(
      `  cap ${cap.scope} ${cap.name}: ${usd(cap.spentUsd)} of ${usd(cap.capUsd)} (${Math.round(cap.share * 100)}%)`,
    );
  }
  const { memory } = overview;
  lines.push('', `Memory: ${memoryText(memory)}`);
  for (const { repository, counts } of overview.memoryByRepository) {
    const lessons = counts.lessons.map(
      (lesson) => `${lesson.slug} used ${lesson.uses}, repeated ${lesson.repeats}`,
    );
    lines.push(
      `  ${repository}: ${memoryText(counts)}${lessons.length > 0 ? `; ${lessons.join('; ')}` : ''}`,
    );
  }
  return lines.join('\n');
}

/** "1 lessons proposed (1 merged), applied 2 times; 0 of 3 review findings repeated a lesson (0%)". */
function memoryText(memory: MemoryTotals): string {
  const repeats =
    memory.rate === null
      ? 'no review given a lesson made a finding yet'
      : `${memory.repeats} of ${memory.findings} review findings repeated a lesson (${Math.round(memory.rate * 100)}%)`;
  return `${memory.proposed} lessons proposed (${memory.merged} merged), applied ${memory.applied} times; ${repeats}`;
}

function groups(list: readonly SpendGroup[]): string {
  return list.map((group) => `${group.key} ${usd(group.usd)}`).join(', ') || '–';
}
