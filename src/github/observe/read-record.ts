import { CONTRACT_MAX_BYTES, Contract } from '../../core/plan/contract.js';
import { subIssueGraphProblems, validatePlan } from '../../core/plan/validate-plan.js';
import { COMPLETION_MAX_BYTES, Completion } from '../../core/records/completion.js';
import {
  RESEARCH_RESULT_MAX_BYTES,
  type ResearchRead,
  ResearchResult,
} from '../../core/records/research.js';
import type { CompletionRead, ContractRead, PlanRead } from '../../core/snapshot/snapshot.js';
import type { BuildQueryResult } from './build-query.js';

/** The largest `plan.json` the app reads; a larger one is reported, not parsed. */
export const PLAN_MAX_BYTES = 256 * 1024;

export interface BuildRecord {
  plan: PlanRead;
  completions: Record<string, CompletionRead>;
  research: Record<number, ResearchRead>;
  contract: ContractRead;
}

type Repository = BuildQueryResult['repository'];

/**
 * The build record as the query read it: `plan.json` (size-capped, validated
 * with the briefs' sizes, never their text), the completion reports and
 * `contract.json`.
 */
export function readRecord({
  build,
  repository,
}: {
  build: string;
  repository: Repository;
}): BuildRecord {
  return {
    plan: planOf(build, repository),
    completions: completionsOf(repository),
    research: researchOf(repository),
    contract: contractOf(repository),
  };
}

/** `contract.json`, size-capped like the plan and checked against `Contract`. */
export function contractOf({ contract }: Pick<Repository, 'contract'>): ContractRead {
  if (!contract) return { kind: 'missing' };
  if (contract.byteSize > CONTRACT_MAX_BYTES || contract.isTruncated || contract.text === null) {
    return {
      kind: 'invalid',
      problems: [
        `contract.json is ${contract.byteSize} bytes; at most ${CONTRACT_MAX_BYTES} are read`,
      ],
    };
  }
  const raw = parseJson(contract.text);
  if (!raw.ok)
    return { kind: 'invalid', problems: [`contract.json is not valid JSON: ${raw.reason}`] };
  const parsed = Contract.safeParse(raw.value);
  return parsed.success
    ? { kind: 'valid', contract: parsed.data }
    : {
        kind: 'invalid',
        problems: parsed.error.issues.map((i) => `contract.json ${i.path.join('.')}: ${i.message}`),
      };
}

/** The largest `sub-issues.json` the app reads (100 sub-issues with 100 links each fit). */
export const SUB_ISSUE_GRAPH_MAX_BYTES = 256 * 1024;

function planOf(build: string, repository: Repository): PlanRead {
  const { plan, workers } = repository;
  const graph = graphOf(repository);
  if (!plan) {
    const problems = graph.ok
      ? graph.raw === undefined
        ? []
        : subIssueGraphProblems(graph.raw, build)
      : graph.problems;
    return problems.length === 0 ? { kind: 'missing' } : { kind: 'invalid', sha: '', problems };
  }
  const sha = plan.oid;
  if (plan.byteSize > PLAN_MAX_BYTES || plan.isTruncated || plan.text === null) {
    return {
      kind: 'invalid',
      sha,
      problems: [`plan.json is ${plan.byteSize} bytes; at most ${PLAN_MAX_BYTES} are read`],
    };
  }
  const raw = parseJson(plan.text);
  if (!raw.ok)
    return { kind: 'invalid', sha, problems: [`plan.json is not valid JSON: ${raw.reason}`] };
  const briefSizes = Object.fromEntries(
    (workers?.entries ?? []).map((entry) => [`workers/${entry.name}`, entry.object?.byteSize ?? 0]),
  );
  if (!graph.ok) return { kind: 'invalid', sha, problems: graph.problems };
  const checked = validatePlan({
    raw: raw.value,
    build,
    briefSizes,
    ...(graph.raw === undefined ? {} : { subIssues: graph.raw }),
  });
  return checked.ok
    ? { kind: 'valid', plan: checked.plan, sha }
    : { kind: 'invalid', sha, problems: checked.problems };
}

/**
 * `sub-issues.json` as JSON, if there is one. A graph with a cycle or an
 * outside link is reported even without a plan: the plan session writes the
 * graph alone when it cannot make a plan of it.
 */
function graphOf({
  subIssueGraph,
}: Repository): { ok: true; raw: unknown } | { ok: false; problems: string[] } {
  if (!subIssueGraph) return { ok: true, raw: undefined };
  if (
    subIssueGraph.byteSize > SUB_ISSUE_GRAPH_MAX_BYTES ||
    subIssueGraph.isTruncated ||
    subIssueGraph.text === null
  ) {
    return {
      ok: false,
      problems: [
        `sub-issues.json is ${subIssueGraph.byteSize} bytes; at most ${SUB_ISSUE_GRAPH_MAX_BYTES} are read`,
      ],
    };
  }
  const raw = parseJson(subIssueGraph.text);
  if (!raw.ok) return { ok: false, problems: [`sub-issues.json is not valid JSON: ${raw.reason}`] };
  return { ok: true, raw: raw.value };
}

/** The completion reports under the record's `completions/`, by worker id. */
export function completionsOf({
  completions,
}: Pick<Repository, 'completions'>): Record<string, CompletionRead> {
  const reads: Record<string, CompletionRead> = {};
  for (const entry of completions?.entries ?? []) {
    const match = /^(W\d+\.\d+)\.json$/.exec(entry.name);
    if (!match?.[1] || !entry.object) continue;
    reads[match[1]] = completionOf(entry.name, entry.object);
  }
  return reads;
}

export function completionOf(
  name: string,
  blob: { byteSize: number; text: string | null },
): CompletionRead {
  if (blob.byteSize > COMPLETION_MAX_BYTES || blob.text === null) {
    return { kind: 'invalid', problems: [`${name} is larger than ${COMPLETION_MAX_BYTES} bytes`] };
  }
  const raw = parseJson(blob.text);
  if (!raw.ok) return { kind: 'invalid', problems: [`${name} is not valid JSON: ${raw.reason}`] };
  const parsed = Completion.safeParse(raw.value);
  if (!parsed.success) {
    return {
      kind: 'invalid',
      problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    };
  }
  return { kind: 'valid', completion: parsed.data };
}

/** The improvement loops' `loops/<n>.json`; the findings and summaries beside them are never read. */
function researchOf({ loops }: Repository): Record<number, ResearchRead> {
  const reads: Record<number, ResearchRead> = {};
  for (const entry of loops?.entries ?? []) {
    const match = /^([1-9]\d?)\.json$/.exec(entry.name);
    const text = entry.object?.text;
    if (!match || typeof text !== 'string') continue;
    reads[Number(match[1])] = researchResultOf(entry.name, text, entry.object?.byteSize ?? 0);
  }
  return reads;
}

function researchResultOf(name: string, text: string, byteSize: number): ResearchRead {
  if (byteSize > RESEARCH_RESULT_MAX_BYTES)
    return {
      kind: 'invalid',
      problems: [`${name} is larger than ${RESEARCH_RESULT_MAX_BYTES} bytes`],
    };
  const raw = parseJson(text);
  if (!raw.ok) return { kind: 'invalid', problems: [`${name} is not valid JSON: ${raw.reason}`] };
  const parsed = ResearchResult.safeParse(raw.value);
  return parsed.success
    ? { kind: 'valid', result: parsed.data }
    : {
        kind: 'invalid',
        problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
