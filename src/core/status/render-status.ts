/**
 * The status comment: `decide` hands over a `StatusView` (`status-view.ts`) and
 * this folder renders it, phase by phase, within GitHub's 65,536 characters,
 * folded around the hidden ledger of accepted commands it always keeps.
 */
import type { ConfigProblem } from '../config/config-problems.js';
import { type AskRecord, renderAskRecord, withAskLine } from '../snapshot/ask-record.js';
import type { CommandInfo } from '../snapshot/snapshot.js';
import { buildDir, planPath } from '../vocabulary/ids.js';
import { blobUrl, code, escapeLinkText, escapeText } from '../vocabulary/markdown.js';
import { shortHash } from '../vocabulary/short-hash.js';
import { renderCommandLedger } from './command-ledger.js';
import { formatTime } from './progress-format.js';
import { renderChangeSet, renderSetGraph } from './render-change-set.js';
import {
  renderPlanCriteria,
  renderPlanEstimate,
  renderPlanGraph,
  renderPlanIntro,
  renderPlanTable,
} from './render-plan.js';
import { dailyCapLine, renderProgress } from './render-progress.js';
import { fitBlocks } from './render-report.js';
import { renderSeries } from './render-series.js';
import type { IgnoredClose, Link, StatusView } from './status-view.js';

/** GitHub refuses a comment body over 65,536 characters (422 "Body is too long"). */
export const STATUS_MAX_CHARS = 65_536;

const STATUS_MARKER = /^\s*<!-- baton:status build=([\w.-]+)(?: shows=([0-9a-f]{8}))? -->/;

/**
 * The hidden first line that finds a build's status comment again, with what
 * the comment shows a person (`attentionMark`), when the phase has such a mark.
 */
export function statusMarker(build: string, shows: string | null = null): string {
  // Build ids are `<issue>-<slug>`; anything else is dropped so the marker stays one comment.
  const mark = shows && /^[0-9a-f]{8}$/.test(shows) ? ` shows=${shows}` : '';
  return `<!-- baton:status build=${build.replace(/[^\w.-]/g, '')}${mark} -->`;
}

/** The build a status comment belongs to, or null if the body is not one. */
export function findStatusBuild(body: string): string | null {
  return STATUS_MARKER.exec(body)?.[1] ?? null;
}

/** What a status comment's marker says it shows a person (`attentionMark`), or null. */
export function findStatusShows(body: string): string | null {
  return STATUS_MARKER.exec(body)?.[2] ?? null;
}

/** What the status comment says while `session.network: open` is set. */
export const NETWORK_OPEN =
  "🌐 The model's commands may reach any host: `session.network: open` in `.github/baton.yml` turns the egress allowlist off.";

/** The settings of `.github/baton.yml` the organisation's policy ignored, each with the limit it loosened. */
function renderPolicyIgnored({
  source,
  ignored,
}: NonNullable<StatusView['policyIgnored']>): string {
  return [
    `🏛️ The organisation's policy (${code(`${source}: baton-policy.yml`)}) ignores what these settings of ${code('.github/baton.yml')} say:`,
    ...ignored.map(
      (one) =>
        `- ${code(`${one.field}: ${one.value}`)}${one.repository ? ` in ${code(one.repository)}` : ''}: ${escapeText(one.limit)}`,
    ),
  ].join('\n');
}

/** Why a closed issue's build goes on: whoever closed it does not steer it. */
export function renderIgnoredClose({ by, at }: IgnoredClose): string {
  const who = by
    ? `by ${escapeText(by)}${at ? ` (${formatTime(at)})` : ''}, who cannot steer this build (write, maintain or admin permission steers)`
    : 'and GitHub does not show by whom';
  return `🔓 The issue was closed ${who}, so the build goes on. A writer's \`/cancel\`, or a writer closing the issue, stops it.`;
}

/**
 * The whole status comment: the status for people, with the record of the ask
 * that started the build after its marker, then the hidden ledger of accepted
 * commands. Neither record is ever cut (a command the ledger lost would count
 * again as its comment reads now); the status is folded into the room left.
 */
export function renderStatusComment({
  view,
  commands,
  ask,
}: {
  view: StatusView;
  commands: CommandInfo[];
  /** The ask that started the build (`BuildSnapshot['ask']`); none before it was recorded. */
  ask?: AskRecord | undefined;
}): string {
  const ledger = renderCommandLedger(commands);
  const asked = ask ? renderAskRecord(ask).length + 1 : 0;
  const status = renderStatus(view, { maxChars: STATUS_MAX_CHARS - ledger.length - asked });
  return `${withAskLine(status, ask)}${ledger}`;
}

/**
 * The status comment for one phase of a build: the marker, then markdown for
 * people, in at most `maxChars` (folded, then cut at a line if it must be).
 */
export function renderStatus(
  view: StatusView,
  { maxChars = STATUS_MAX_CHARS }: { maxChars?: number } = {},
): string {
  const head = [
    statusMarker(view.build, attentionMark(view)),
    `**Baton** · build ${code(view.build)}`,
    // A change set's repositories come first: they say where everything below happens.
    ...(view.changeSet ? ['', renderChangeSet(view.changeSet)] : []),
  ].join('\n');
  const series = [
    ...(view.series ? [renderSeries(view.series)] : []),
    ...(view.networkOpen ? [NETWORK_OPEN] : []),
    ...(view.policyIgnored ? [renderPolicyIgnored(view.policyIgnored)] : []),
    ...(view.ignoredClose ? [renderIgnoredClose(view.ignoredClose)] : []),
  ]
    .map((part) => `\n\n${part}`)
    .join('');
  // Room for the phase: what the head, the series, the network line and the joins leave.
  const room = maxChars - head.length - series.length - 3;
  const body = `${head}\n\n${renderPhase(view, room)}${series}\n`;
  if (body.length <= maxChars) return body;
  const note = '> ✂️ Shortened to fit in one comment.';
  return `${fitBlocks({ blocks: [body.trimEnd()], note, limit: maxChars - 1 })}\n`;
}

function renderPhase(view: StatusView, room: number): string {
  switch (view.phase) {
    case 'improving':
      return view.series?.ended
        ? '🏁 The improvement series has ended.'
        : '🔁 Improvement loops: research and summary sessions run between plans.';
    case 'planning':
      if (view.money)
        return `💸 Planning waits for budget — ${view.run ? renderLink(view.run) : 'the planning session'}: ${view.money}.`;
      if (view.daily && view.daily.length > 0)
        return [
          '⏸️ Waiting for the daily cap: the planning session starts when the day (UTC) allows.',
          '',
          ...view.daily.map(dailyCapLine),
        ].join('\n');
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
      return renderPlanReady(view, room);
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
      return renderProgress(view, { maxChars: room });
    default: {
      const _exhaustive: never = view;
      throw new Error(`renderStatus has no case for ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/**
 * The plan for approval, folded to `room`: in full; else without the graph;
 * else each wave in one line, with the table left to PLAN.md on the build branch.
 */
function renderPlanReady(view: Extract<StatusView, { phase: 'plan-ready' }>, room: number): string {
  const ask =
    view.config.approval === 'none'
      ? 'Approval is not required (`approval: none`), so the build starts now. Reply `/pause` to hold it or `/cancel` to stop it.'
      : 'Reply `/approve` to start, or `/replan <what to change>`.';
  // A change set's graph groups its workers by repository (docs/change-sets.md).
  const set = view.changeSet;
  const graph = set ? renderSetGraph(view.plan, set.home) : renderPlanGraph(view.plan);
  const criteria = renderPlanCriteria(view.plan);
  const shapes = [
    [renderPlanTable(view), criteria, graph],
    [renderPlanTable(view), criteria],
    [renderWaveLines(view), criteria],
    [renderWaveLines(view)],
  ].map((middle) => middle.filter((part) => part !== ''));
  let body = '';
  for (const middle of shapes) {
    body = [renderPlanIntro(view.plan), ...middle, renderPlanEstimate(view), ask].join('\n\n');
    if (body.length <= room) return body;
  }
  return body;
}

function renderWaveLines(view: Extract<StatusView, { phase: 'plan-ready' }>): string {
  const waves = new Map<number, string[]>();
  for (const worker of view.plan.workers) {
    const wave = Number(/^W(\d+)\./.exec(worker.id)?.[1] ?? 0);
    waves.set(wave, [...(waves.get(wave) ?? []), worker.id]);
  }
  const plan = `[PLAN.md](${blobUrl({ ...view.links, path: `${buildDir(view.build)}/PLAN.md` })})`;
  return [
    `The plan is too large to show here in full: its table, dependencies and briefs are in ${plan} on the build branch.`,
    '',
    ...[...waves]
      .sort(([a], [b]) => a - b)
      .map(([wave, ids]) => `- Wave ${wave}: ${ids.length} workers (${ids.join(', ')})`),
  ].join('\n');
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

/**
 * What a running build's status shows that asks something of a person or
 * answers one: a pause, a spent budget or daily cap, a worker that needs a
 * person or failed, the final pull request, the commands taken, the follow-ups
 * and synthesis of research, briefs held for `/approve`, the loops of a
 * series. A change of any of these is edited at the pace of every edit; the
 * rest (a worker starting, in review, merged; runs, tokens, cost) is progress,
 * gathered into fewer edits (`PROGRESS_STATUS_EDIT_MS`, src/github/act/status-pacer.ts).
 * Null for every other phase: each of its changes is someone's to see at once.
 */
export function attentionOf(view: StatusView): string | null {
  if (view.phase !== 'running') return null;
  const { progress } = view;
  const failedValidations = (progress.validations ?? []).filter(
    (validation) =>
      validation.state === 'failed' ||
      validation.state === 'breach' ||
      validation.state === 'session-failed',
  );
  return JSON.stringify([
    progress.paused,
    progress.budget.reached,
    progress.budget.daily ?? [],
    progress.workers
      .filter(
        (worker) =>
          ['needs-human', 'failed', 'impossible', 'partial', 'awaiting-budget'].includes(
            worker.state,
          ) && !worker.waitsByRisk,
      )
      .map((worker) => [worker.id, worker.state, worker.note]),
    // What the comment shows of the final pull request: whether GitHub would merge it is the page's.
    progress.finalPull && [
      progress.finalPull.number,
      progress.finalPull.url,
      progress.finalPull.state,
    ],
    progress.history,
    progress.followUps ?? null,
    progress.synthesis?.state ?? null,
    (progress.adaptations ?? []).map((adaptation) => [adaptation.source, adaptation.state]),
    // A message's receipt is what its writer waits for.
    (progress.messages ?? []).map((message) => [message.url, message.state, message.turn ?? null]),
    (view.series?.loops ?? []).map((loop) => [loop.loop, loop.stage]),
    view.series?.ended ?? null,
    // A close is a person's act: who closed the issue, and that the build goes on, shows at once.
    view.ignoredClose ?? null,
    // A change set's repositories: what holds each, its final pull request, its revert.
    (view.changeSet?.repositories ?? []).map((repo) => [
      repo.name,
      repo.state,
      repo.note,
      repo.final,
      repo.released,
      repo.revert,
    ]),
    view.changeSet?.rollback ?? null,
    // A milestone's failed validation: the checks it names and their fix workers. One that runs
    // or passed is progress, and so is the contract's arrival.
    ...(failedValidations.length > 0
      ? [
          failedValidations.map((validation) => [
            validation.milestone,
            validation.state,
            validation.failed,
          ]),
        ]
      : []),
    // Workers that wait for a person by risk show at once when the build can no longer go on
    // without them: until then their rows are progress, and nobody is asked.
    ...(progress.waitsForPerson ? [['waits for a person', progress.waitsForPerson]] : []),
  ]);
}

/**
 * `attentionOf` as the status comment's marker carries it: eight hex digits
 * (FNV-1a), so any replica, a conductor job or a restarted process tells from
 * the comment alone whether a new render changes what asks or answers a
 * person. Null where every change is: phases other than running.
 */
export function attentionMark(view: StatusView): string | null {
  const attention = attentionOf(view);
  return attention === null ? null : shortHash(attention);
}
