/**
 * The spans of a build's trace, as plain values, from what a reconcile read and
 * did (`ActedBuild`): one `baton.<action>` span for each write it made, and,
 * once, when its write opened the build's final pull request, the root
 * `invoke_workflow` span with an `invoke_agent` span per session of the ledger.
 * Every replica and every reconcile derives the same trace id from the build's
 * identity (`traceIdOf`), so a build is one trace with no state shared.
 *
 * Only ids, logins, model names, counts and costs go in, each through an
 * allowlist: never a body, a title, a brief, a prompt, code or a secret.
 */

import { createHash } from 'node:crypto';
import type { Action } from '../core/context/action.js';
import { sessionEngine, sessionModel } from '../core/overview/session-model.js';
import { providerOf } from '../core/sessions/engines.js';
import { doorOf } from '../core/snapshot/ask-record.js';
import { buildLedger, type LedgerEntry } from '../core/snapshot/ledger.js';
import { normalizeSnapshot } from '../core/snapshot/normalize-snapshot.js';
import { sessionKeyOf } from '../core/snapshot/usage-ties.js';
import type { ActedBuild, ActOutcome } from '../github/act/act.js';

export type SpanValue = string | number | boolean;

/** One span to export; its children nest under it. */
export interface SpanPlan {
  name: string;
  /** 32 hex digits: the build's (`traceIdOf`). */
  traceId: string;
  /** Its own id where it is derived (the build's root); else the SDK draws one. */
  spanId?: string;
  /** The span it hangs under, by id, when it is not in this plan (a reconcile's write: the build's root). */
  parentSpanId?: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, SpanValue>;
  failed: boolean;
  children: SpanPlan[];
}

/** GenAI semantic conventions' names, and Baton's own where they have none (docs/governance.md). */
export const ATTR = {
  operation: 'gen_ai.operation.name',
  workflow: 'gen_ai.workflow.name',
  agent: 'gen_ai.agent.name',
  provider: 'gen_ai.provider.name',
  model: 'gen_ai.request.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheRead: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreation: 'gen_ai.usage.cache_creation.input_tokens',
  cost: 'gen_ai.usage.cost',
  currency: 'gen_ai.usage.cost.currency',
  repository: 'baton.repository',
  build: 'baton.build',
  worker: 'baton.worker',
  role: 'baton.role',
  asker: 'baton.asker',
  door: 'baton.door',
  outcome: 'baton.outcome',
  pull: 'baton.pull',
  run: 'baton.run',
  attempt: 'baton.run.attempt',
  estimated: 'baton.usage.estimated',
  sessions: 'baton.sessions',
} as const;

/** Results that are a write made or tried: a write left for later or found made already is none. */
const WRITE_RESULTS: ReadonlySet<ActOutcome['result']> = new Set(['done', 'failed', 'stood-down']);

/** Ids and names that may be exported; anything else is left out. */
const SAFE_NAME = /^[\w.:/@[\]-]{1,100}$/;

/** The build's trace id: the first 16 bytes of sha256 of `owner/repo#build`, the same in every process. */
export function traceIdOf(repository: string, build: string): string {
  return digestOf(`${repository.toLowerCase()}#${build}`).slice(0, 32);
}

/** The build's root span's id, derived alike, so a reconcile's spans hang under the root exported at its end. */
export function rootSpanIdOf(repository: string, build: string): string {
  return digestOf(`${repository.toLowerCase()}#${build} invoke_workflow`).slice(0, 16);
}

/**
 * A session's `invoke_agent` span's id, derived from its run alike, so the
 * spans its publish job exports of its tool calls hang under it
 * (src/session/publish/tool-spans.ts derives the same).
 */
export function agentSpanIdOf(
  repository: string,
  build: string,
  run: { id: number; attempt: number; reviewInRun?: boolean },
): string {
  const session = `${run.id}-${run.attempt}${run.reviewInRun ? '-review' : ''}`;
  return digestOf(`${repository.toLowerCase()}#${build} invoke_agent ${session}`).slice(0, 16);
}

/** The spans one reconcile's outcomes make: its writes, and the build's root where it opened the final pull request. */
export function buildSpans({ read, outcomes }: ActedBuild): SpanPlan[] {
  const { repository, snapshot } = read;
  const build = snapshot.build;
  const traceId = traceIdOf(repository, build);
  const parentSpanId = rootSpanIdOf(repository, build);
  const nowMs = Date.parse(read.readAt);
  const common = buildAttributes(read);
  const writes = outcomes
    .filter((outcome) => outcome.action.kind !== 'look-again' && WRITE_RESULTS.has(outcome.result))
    .map(
      (outcome): SpanPlan => ({
        name: `baton.${outcome.action.kind}`,
        traceId,
        parentSpanId,
        startMs: nowMs,
        endMs: nowMs,
        attributes: { ...common, ...writeAttributes(outcome) },
        failed: outcome.result === 'failed',
        children: [],
      }),
    );
  const opened = outcomes.some(
    (outcome) => outcome.action.kind === 'open-final-pull' && outcome.result === 'done',
  );
  return opened ? [...writes, workflowSpan({ read, traceId, common })] : writes;
}

/** What every span of the build carries: the repository, the build, who asked and how. */
function buildAttributes(read: ActedBuild['read']): Record<string, SpanValue> {
  const { ask } = read.snapshot;
  return safe({
    [ATTR.repository]: read.repository,
    [ATTR.build]: read.snapshot.build,
    [ATTR.asker]: ask?.by,
    [ATTR.door]: ask ? doorOf(ask.how) : undefined,
  });
}

function writeAttributes({ action, result, run, opened }: ActOutcome): Record<string, SpanValue> {
  return safe({
    [ATTR.outcome]: result,
    [ATTR.worker]: workerOf(action),
    [ATTR.role]: action.kind === 'dispatch' ? action.request.role : undefined,
    [ATTR.agent]: action.kind === 'dispatch' ? action.request.role : undefined,
    [ATTR.pull]: opened?.number ?? pullOf(action),
    [ATTR.run]: run?.id,
  });
}

function workerOf(action: Action): string | undefined {
  if (action.kind === 'dispatch') return action.request.worker;
  return 'worker' in action ? action.worker : undefined;
}

function pullOf(action: Action): number | undefined {
  if (action.kind === 'dispatch') return action.request.pr;
  return 'pull' in action ? action.pull : undefined;
}

/**
 * The build's root, `invoke_workflow <build>`, from its ask to now, and under it one
 * `invoke_agent` span per session the ledger counts: the root's cost is the ledger's total.
 */
function workflowSpan({
  read,
  traceId,
  common,
}: {
  read: ActedBuild['read'];
  traceId: string;
  common: Record<string, SpanValue>;
}): SpanPlan {
  const normal = normalizeSnapshot(read.snapshot);
  const ledger = buildLedger(normal);
  const plan = normal.plan.kind === 'valid' ? normal.plan.plan : null;
  const endMs = Date.parse(read.readAt);
  const runs = new Map(normal.runs.map((run) => [run.id, run]));
  const records = new Map((normal.usage ?? []).map((record) => [sessionKeyOf(record), record]));
  const askedMs = read.snapshot.ask ? Date.parse(read.snapshot.ask.at) : Number.NaN;
  const firstRunMs = Math.min(...normal.runs.map((run) => Date.parse(run.createdAt)));
  const startMs = [askedMs, firstRunMs, endMs].find(Number.isFinite) ?? endMs;
  const agents = ledger.entries.map((entry): SpanPlan => {
    const run = entry.runId === null ? undefined : runs.get(entry.runId);
    // The review a work or fix session's run made after it: a session of its own in that run.
    const reviewInRun = entry.role === 'review' && run !== undefined && run.role !== 'review';
    const record = records.get(`${entry.runId}-${entry.attempt}${reviewInRun ? '-review' : ''}`);
    const begun = Date.parse(run?.startedAt ?? run?.createdAt ?? '');
    const start = Number.isFinite(begun) ? begun : startMs;
    const ended = record ? start + record.usage.seconds * 1000 : Date.parse(run?.updatedAt ?? '');
    const engine = sessionEngine({ entry, config: read.config, plan });
    return {
      name: `invoke_agent ${entry.role}`,
      traceId,
      ...(entry.runId === null
        ? {}
        : {
            spanId: agentSpanIdOf(read.repository, read.snapshot.build, {
              id: entry.runId,
              attempt: entry.attempt,
              reviewInRun,
            }),
          }),
      startMs: start,
      endMs: Number.isFinite(ended) ? Math.max(ended, start) : start,
      attributes: {
        ...common,
        ...safe({
          [ATTR.operation]: 'invoke_agent',
          [ATTR.agent]: entry.role,
          [ATTR.role]: entry.role,
          [ATTR.worker]: entry.worker ?? undefined,
          [ATTR.provider]: providerOf(engine),
          [ATTR.model]: sessionModel({ entry, config: read.config, plan }) ?? undefined,
          [ATTR.run]: entry.runId ?? undefined,
          [ATTR.attempt]: entry.attempt,
          [ATTR.inputTokens]: record?.usage.input_tokens,
          [ATTR.outputTokens]: record?.usage.output_tokens,
          [ATTR.cacheRead]: record?.usage.cache_read_input_tokens,
          [ATTR.cacheCreation]: record?.usage.cache_creation_input_tokens,
          [ATTR.outcome]: entry.outcome ?? undefined,
          [ATTR.estimated]: entry.estimated,
        }),
        ...costOf(entry),
      },
      failed: entry.outcome === 'failed',
      children: [],
    };
  });
  return {
    name: `invoke_workflow ${read.snapshot.build}`,
    traceId,
    spanId: rootSpanIdOf(read.repository, read.snapshot.build),
    startMs: Math.min(startMs, endMs),
    endMs,
    attributes: {
      ...common,
      [ATTR.operation]: 'invoke_workflow',
      [ATTR.workflow]: 'baton',
      [ATTR.sessions]: ledger.entries.length,
      ...costOf(ledger.total),
    },
    failed: false,
    children: agents,
  };
}

function costOf(spent: Pick<LedgerEntry, 'costUsd'>): Record<string, SpanValue> {
  return { [ATTR.cost]: spent.costUsd, [ATTR.currency]: 'USD' };
}

/** The values that may go: finite numbers, booleans, and names the allowlist takes. */
function safe(
  values: Record<string, string | number | boolean | undefined>,
): Record<string, SpanValue> {
  const kept: Record<string, SpanValue> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'boolean') kept[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) kept[key] = value;
    else if (typeof value === 'string' && SAFE_NAME.test(value)) kept[key] = value;
  }
  return kept;
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
