import type { Plan } from '../../../core/plan/plan.js';
import { waveOf } from '../../../core/plan/plan.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Mermaid ids cannot hold dots: W1.1 becomes W1_1, labelled W1.1. */
function node(id: string): string {
  return id.replace('.', '_');
}

/** `PLAN.md`: the plan for people, waves, workers, dependencies, briefs linked by path. */
export function renderPlanMarkdown(plan: Plan): string {
  const waves = [...new Set(plan.workers.map((w) => waveOf(w.id)))].sort((a, b) => a - b);
  const sections = waves.map((wave) => {
    const rows = plan.workers
      .filter((w) => waveOf(w.id) === wave)
      .map(
        (w) =>
          `| ${w.id} | ${cell(w.title)} | ${w.depends_on.join(', ') || '—'} | ${w.complexity} | [workers/${w.id}.md](workers/${w.id}.md) |`,
      );
    return [
      `## Wave ${wave}`,
      '',
      '| Worker | Title | Depends on | Complexity | Brief |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n');
  });
  const graph = [
    '```mermaid',
    'graph LR',
    ...plan.workers.map((w) => `  ${node(w.id)}["${w.id}"]`),
    ...plan.workers.flatMap((w) => w.depends_on.map((dep) => `  ${node(dep)} --> ${node(w.id)}`)),
    '```',
  ].join('\n');
  return [
    `# Plan: ${plan.title}`,
    '',
    `Build \`${plan.build}\` for #${plan.issue}: ${plan.workers.length} workers in ${waves.length} waves.`,
    '',
    plan.summary.trim(),
    '',
    ...sections.flatMap((s) => [s, '']),
    '## Dependencies',
    '',
    graph,
    '',
  ].join('\n');
}
