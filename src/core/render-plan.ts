import type { Config } from './config.js';
import { briefPath, compareWorkerIds } from './ids.js';
import {
  blobUrl,
  code,
  escapeCell,
  escapeLinkText,
  escapeMermaidLabel,
  escapeText,
} from './markdown.js';
import { type Plan, type PlanWorker, waveOf } from './plan.js';
import type { RepoLinks } from './status-view.js';

/** Workers grouped by wave, waves and workers in id order. */
function byWave(plan: Plan): [number, PlanWorker[]][] {
  const waves = new Map<number, PlanWorker[]>();
  for (const worker of [...plan.workers].sort((a, b) => compareWorkerIds(a.id, b.id))) {
    const wave = waveOf(worker.id);
    waves.set(wave, [...(waves.get(wave) ?? []), worker]);
  }
  return [...waves].sort(([a], [b]) => a - b);
}

/** The plan as a table: one row per worker, waves in order, briefs linked on the build branch. */
export function renderPlanTable({
  build,
  plan,
  config,
  links,
}: {
  build: string;
  plan: Plan;
  config: Config;
  links: RepoLinks;
}): string {
  const rows = byWave(plan).flatMap(([wave, workers]) =>
    workers.map((worker) => {
      const deps = worker.depends_on.length > 0 ? worker.depends_on.join(', ') : '—';
      const model = `${worker.complexity} → ${code(config.models[worker.complexity])}`;
      const brief = `[${escapeLinkText(`${worker.id}.md`)}](${blobUrl({ ...links, path: briefPath(build, worker.id) })})`;
      return `| ${wave} | ${worker.id} | ${escapeCell(worker.title)} | ${deps} | ${model} | ${brief} |`;
    }),
  );
  return [
    '| Wave | Worker | Title | Depends on | Model | Brief |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** A node id mermaid accepts: `W1.1` becomes `W1_1`. */
function nodeId(worker: string): string {
  return worker.replace('.', '_');
}

/** The dependency graph: one subgraph per wave, one edge per dependency, earlier work first. */
export function renderPlanGraph(plan: Plan): string {
  const lines = ['```mermaid', 'graph LR'];
  for (const [wave, workers] of byWave(plan)) {
    lines.push(`  subgraph wave${wave}["Wave ${wave}"]`);
    for (const worker of workers) {
      lines.push(
        `    ${nodeId(worker.id)}["${escapeMermaidLabel(`${worker.id}: ${worker.title}`)}"]`,
      );
    }
    lines.push('  end');
  }
  for (const [, workers] of byWave(plan)) {
    for (const worker of workers) {
      for (const dep of worker.depends_on) lines.push(`  ${nodeId(dep)} --> ${nodeId(worker.id)}`);
    }
  }
  lines.push('```');
  return lines.join('\n');
}

/** What the plan comment says before the table: the title, the summary, the progress. */
export function renderPlanIntro(plan: Plan): string {
  const count = plan.workers.length;
  return [
    `### Plan: ${escapeText(plan.title)}`,
    '',
    escapeText(plan.summary),
    '',
    `**Progress:** 0 of ${count} ${count === 1 ? 'worker' : 'workers'} merged.`,
  ].join('\n');
}
