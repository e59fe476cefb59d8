import type { ConfigProblem } from './config.js';
import { planPath } from './ids.js';
import { blobUrl, code, escapeLinkText, escapeText } from './markdown.js';
import {
  renderPlanEstimate,
  renderPlanGraph,
  renderPlanIntro,
  renderPlanTable,
} from './render-plan.js';
import { renderProgress } from './render-progress.js';
import { renderSeries } from './render-series.js';
import type { Link, StatusView } from './status-view.js';

const STATUS_MARKER = /^\s*<!-- baton:status build=([\w.-]+) -->/;

/** The hidden first line that finds a build's status comment again. */
export function statusMarker(build: string): string {
  // Build ids are `<issue>-<slug>`; anything else is dropped so the marker stays one comment.
  return `<!-- baton:status build=${build.replace(/[^\w.-]/g, '')} -->`;
}

/** The build a status comment belongs to, or null if the body is not one. */
export function findStatusBuild(body: string): string | null {
  return STATUS_MARKER.exec(body)?.[1] ?? null;
}

/** The status comment for one phase of a build: the marker, then markdown for people. */
/** What the status comment says while `session.network: open` is set. */
export const NETWORK_OPEN =
  "🌐 The model's commands may reach any host: `session.network: open` in `.github/baton.yml` turns the egress allowlist off.";

export function renderStatus(view: StatusView): string {
  return [
    statusMarker(view.build),
    `**Baton** · build ${code(view.build)}`,
    '',
    renderPhase(view),
    ...(view.series ? ['', renderSeries(view.series)] : []),
    ...(view.networkOpen ? ['', NETWORK_OPEN] : []),
  ]
    .join('\n')
    .concat('\n');
}

function renderPhase(view: StatusView): string {
  switch (view.phase) {
    case 'improving':
      return view.series?.ended
        ? '🏁 The improvement series has ended.'
        : '🔁 Improvement loops: research and summary sessions run between plans.';
    case 'planning':
      return `⏳ ${view.replan ? 'Replanning with your feedback' : 'Planning'}… — ${view.run ? renderLink(view.run) : 'starting the session'}\n\nThe plan will appear here when the session has written it.`;
    case 'plan-failed':
      return [
        `❌ The planning session failed — ${renderLink(view.run)}.`,
        '',
        'Read the run log to see why. Then reply `/replan <what to change>` to plan again, or fix the cause (for example the `ANTHROPIC_API_KEY` secret) and re-run the failed jobs of that run.',
      ].join('\n');
    case 'plan-invalid':
      return [
        '⚠️ The plan is not valid, so nothing has started:',
        '',
        ...view.problems.map((problem) => `- ${escapeText(problem)}`),
        '',
        `See [plan.json](${blobUrl({ ...view.links, path: planPath(view.build) })}) on the build branch. Reply \`/replan <what to change>\` to plan again.`,
      ].join('\n');
    case 'plan-ready':
      return [
        renderPlanIntro(view.plan),
        '',
        renderPlanTable(view),
        '',
        renderPlanGraph(view.plan),
        '',
        renderPlanEstimate(view),
        '',
        view.config.approval === 'none'
          ? 'Approval is not required (`approval: none`), so the build starts now. Reply `/pause` to hold it or `/cancel` to stop it.'
          : 'Reply `/approve` to start, or `/replan <what to change>`.',
      ].join('\n');
    case 'config-invalid':
      return [
        `⚠️ ${code(view.file)} has problems, so nothing starts until it is fixed on the default branch:`,
        '',
        ...view.problems.map(renderConfigProblem),
        '',
        'Once it is fixed, remove the label from this issue and add it again to start the build.',
      ].join('\n');
    case 'missing-workflow':
      return renderMissingWorkflow(view);
    case 'running':
    case 'done':
    case 'cancelled':
      return renderProgress(view);
    default: {
      const _exhaustive: never = view;
      throw new Error(`renderStatus has no case for ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function renderLink(link: Link): string {
  return `[${escapeLinkText(link.label)}](${link.url})`;
}

function renderConfigProblem(problem: ConfigProblem): string {
  const line = problem.line === undefined ? '' : ` (line ${problem.line})`;
  return `- ${code(problem.field)}${line}: ${escapeText(problem.message)}`;
}

function renderMissingWorkflow(view: Extract<StatusView, { phase: 'missing-workflow' }>): string {
  const add = view.setupPull
    ? `Merge ${renderLink(view.setupPull)}, which adds it.`
    : `Add it: merge the "Set up Baton" pull request if Baton opened one, or copy the workflow from Baton's templates into ${code(view.workflowPath)}.`;
  return [
    `⚠️ This build cannot start: ${code(view.workflowPath)} is missing on the default branch. Every session runs in this repository's GitHub Actions through that workflow.`,
    '',
    `1. ${add}`,
    '2. Add the `ANTHROPIC_API_KEY` secret (Settings → Secrets and variables → Actions); sessions use it, Baton never sees it.',
    '3. Remove the label from this issue and add it again, or reply `/status`.',
  ].join('\n');
}
