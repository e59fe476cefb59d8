import type { Config } from '../config/config.js';
import { CONTRACT_WORKER, criteriaOf, isContractFix, isContractWorker } from '../plan/contract.js';
import { type Plan, type PlanWorker, waveOf } from '../plan/plan.js';
import type { BuildEstimate } from '../snapshot/estimate.js';
import type { Tally } from '../snapshot/ledger.js';
import { quoted } from '../verification/quoted.js';
import { briefPath, compareWorkerIds } from '../vocabulary/ids.js';
import { blobUrl, code, escapeLinkText, escapeMermaidLabel } from '../vocabulary/markdown.js';
import { formatUsd } from './progress-format.js';
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
  // A change set's plan names each worker's repository (docs/change-sets.md).
  const repos = plan.workers.some((worker) => worker.repository !== undefined);
  const rows = byWave(plan).flatMap(([wave, workers]) =>
    workers.map((worker) => {
      const deps = worker.depends_on.length > 0 ? worker.depends_on.join(', ') : '—';
      const model = `${worker.complexity} → ${code(config.models[worker.complexity])}`;
      const brief = `[${escapeLinkText(`${worker.id}.md`)}](${blobUrl({ ...links, path: briefPath(build, worker.id) })})`;
      const repo = repos ? ` ${worker.repository ?? 'this repository'} |` : '';
      return `| ${wave} | ${worker.id} | ${quoted(worker.title)}${contractNote(worker)} |${repo} ${deps} | ${model} | ${brief} |`;
    }),
  );
  return [
    `| Wave | Worker | Title |${repos ? ' Repository |' : ''} Depends on | Model | Brief |`,
    `| --- | --- | --- |${repos ? ' --- |' : ''} --- | --- | --- |`,
    ...rows,
  ].join('\n');
}

/**
 * What the plan lets a worker do to the contract (docs/verification.md): the
 * contract's worker writes it; another may change it only where the plan says
 * so, which a person approves here with the plan.
 */
function contractNote(worker: PlanWorker): string {
  if (isContractFix(worker)) return ' (rewrites the contract)';
  if (isContractWorker(worker.id)) return ' (writes the contract)';
  return worker.contract ? ' (**may change the contract**)' : '';
}

/** Criteria listed one per line under the plan; the rest are counted. */
export const PLAN_MAX_CRITERIA = 40;

/**
 * The plan's acceptance criteria, each with its id, for a person to approve
 * with the plan (docs/verification.md): the contract's worker writes a check
 * for each before any other starts. Empty when the plan names none. Each is
 * the planner's text, quoted and inert.
 */
export function renderPlanCriteria(plan: Plan): string {
  const criteria = criteriaOf(plan);
  if (criteria.length === 0) return '';
  const shown = criteria.slice(0, PLAN_MAX_CRITERIA);
  const more = criteria.length - shown.length;
  const writers = plan.workers.filter(
    (worker) => isContractWorker(worker.id) && !isContractFix(worker),
  ).length;
  return [
    writers > 1
      ? `**Acceptance criteria** (${criteria.length}): each repository's contract (W0.1 to W0.${writers}) writes a check for those it runs before any other worker there starts.`
      : `**Acceptance criteria** (${criteria.length}): ${CONTRACT_WORKER} writes a check for each before any other worker starts.`,
    '',
    ...shown.map((criterion) => `- ${code(criterion.id)} ${quoted(criterion.text)}`),
    ...(more > 0 ? [`- and ${more} more, in the briefs`] : []),
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
  return lines.join('\n\n');
}

/** Longer than any plan's summary: the plan comment quotes it whole. */
const PLAN_SUMMARY_MAX = 3000;

/** What the plan comment says before the table: the title and the summary, quoted as the guide quotes them; the progress. */
export function renderPlanIntro(plan: Plan): string {
  const count = plan.workers.length;
  return [
    `### Plan: ${quoted(plan.title)}`,
    '',
    quoted(plan.summary, PLAN_SUMMARY_MAX),
    '',
    `**Progress:** 0 of ${count} ${count === 1 ? 'worker' : 'workers'} merged.`,
  ].join('\n');
}

/** "3 minutes", "2 h 10 min": the least time the write limits allow. */
function formatMinutes(minutes: number): string {
  const whole = Math.max(1, Math.ceil(minutes));
  if (whole < 60) return `${whole} ${whole === 1 ? 'minute' : 'minutes'}`;
  const rest = whole % 60;
  return `${Math.floor(whole / 60)} h${rest ? ` ${rest} min` : ''}`;
}

/** The validation sessions the estimate counts, and the model they are priced at. */
function validationsNote({ validations }: BuildEstimate, config: Config): string {
  if (validations === 0) return '';
  const model = config.verification.validation.model ?? config.models.review;
  const each = validations === 1 ? 'a validation' : `${validations} validations`;
  return `; for the build, ${each} of the contract's checks (one a milestone) priced as a review at ${code(model)}`;
}

/**
 * The plan's estimate, how it is made, what planning cost, and a warning when
 * the budget would stop the build before its end.
 */
export function renderPlanEstimate({
  estimate,
  spent,
  config,
}: {
  estimate: BuildEstimate;
  spent: Tally;
  config: Config;
}): string {
  const lines = [
    `💵 **Estimate:** about ${formatUsd(estimate.usd)} for the workers' sessions, on top of ${formatUsd(spent.costUsd)} spent so far (planning).`,
    `<sub>Per worker: one work session at its complexity's model, ${config.review.enabled ? `a review per round at ${code(config.models.review)} and half a fix round on average` : 'no review (review.enabled is off)'}${validationsNote(estimate, config)}, with assumed session sizes priced at list prices. Real sessions vary by a factor of two or more either way.</sub>`,
  ];
  lines.push(
    `🚦 **GitHub writes:** about ${estimate.writes.toLocaleString('en')}, Baton's and its sessions'. GitHub allows an installation 80 a minute and 500 an hour, so at a steady pace the build takes at least ${formatMinutes(estimate.leastMinutes)} however fast its sessions are.`,
  );
  const { maxUsd } = config.budget;
  if (maxUsd === null) {
    lines.push('No budget cap (`budget.maxUsd` is off).');
  } else if (estimate.usd + spent.costUsd > maxUsd) {
    lines.push(
      `⚠️ That is above the budget of ${formatUsd(maxUsd)} (\`budget.maxUsd\`): the build pauses when its sessions reach it. Raise it in \`.github/baton.yml\`, or set it to \`null\` for no cap, before replying \`/approve\`.`,
    );
  } else {
    lines.push(
      `Budget: ${formatUsd(maxUsd)} (\`budget.maxUsd\`); the build pauses if its sessions reach it.`,
    );
  }
  return lines.join('\n\n');
}
