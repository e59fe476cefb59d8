import type { Engine } from '../sessions/engines.js';
import { parseBuildId, WORKER_ID } from '../vocabulary/ids.js';
import { contractProblems } from './contract-plan.js';
import { MAX_WORKERS, Plan, waveOf } from './plan.js';
import { findCycles } from './plan-graph.js';
import { planSchemaProblems, valueAt } from './plan-schema-problems.js';
import { parseSubIssueGraph, planFromSubIssues, subIssuePlanProblems } from './sub-issue-graph.js';

export { MAX_WORKERS };

/** A brief, `workers/<id>.md`, may be at most this many bytes. */
export const BRIEF_MAX_BYTES = 32 * 1024;

export interface ValidatePlanInput {
  /** `plan.json`, parsed as JSON. */
  raw: unknown;
  /** The build id of the branch the plan lies on. */
  build: string;
  /** Byte sizes of the files under the build folder, by relative path (`workers/W1.1.md`). */
  briefSizes: Record<string, number>;
  /**
   * `sub-issues.json` parsed as JSON, when the plan session found sub-issues
   * on the build's issue: the plan must then be exactly one worker per open
   * sub-issue, with the dependencies GitHub's "blocked by" links give.
   */
  subIssues?: unknown;
  /**
   * The engines `session.engine` allows: a worker's `engine` must be one of
   * them. Absent where the config is not at hand (the app's read of a plan):
   * the session then refuses an engine it may not run, saying why.
   */
  engines?: readonly Engine[];
  /**
   * A change set's member record (docs/change-sets.md): it holds the set's plan
   * and the briefs of the workers of `repository` alone (`home`: the issue's
   * repository, a worker's without one). Absent: every worker's brief is here.
   */
  member?: { repository: string; home: string };
  /**
   * The configuration's `verification.contract`, where it is at hand (the plan
   * session): true, a code plan with criteria must have the contract's worker
   * `W0.1`; false, it must not. Absent (the app's read of a plan), `W0.1` is
   * checked only where the plan has it.
   */
  contract?: boolean;
}

/** A usable plan, or every reason it is not one. */
export type PlanValidation = { ok: true; plan: Plan } | { ok: false; problems: string[] };

/** A worker as far as it can be read when the rest of the plan may be broken. */
interface LooseWorker {
  index: number;
  id: string;
  dependsOn: string[];
  /** Its repository in a change set, the issue's (`home`) when it names none. */
  repository(home: string): string;
}

/**
 * Checks a plan against the schema and against the rules the schema cannot
 * express. Every problem is reported, each as a sentence a planner can act on,
 * so that one `/replan` can fix them all.
 */
export function validatePlan({
  raw,
  build,
  briefSizes,
  subIssues,
  engines,
  member,
  contract,
}: ValidatePlanInput): PlanValidation {
  const parsed = Plan.safeParse(raw);
  const problems = parsed.success ? [] : planSchemaProblems(raw, parsed.error.issues);
  const workers = looseWorkers(raw);
  problems.push(
    ...buildProblems(raw, build),
    ...countProblems(raw),
    ...duplicateProblems(workers),
    ...dependencyProblems(workers),
    ...findCycles(workers).map(
      (cycle) =>
        `Dependencies form a cycle: ${[...cycle, cycle[0]].join(', which depends on ')}; remove one of these dependencies.`,
    ),
    ...briefProblems(
      member ? workers.filter((w) => w.repository(member.home) === member.repository) : workers,
      briefSizes,
    ),
    ...followUpProblems(raw),
    ...contractProblems(raw, contract),
    ...(engines ? engineProblems(raw, engines) : []),
    ...(subIssues === undefined ? strayProblems(raw) : subIssueProblems(raw, build, subIssues)),
  );
  if (parsed.success && problems.length === 0) return { ok: true, plan: parsed.data };
  return { ok: false, problems };
}

/**
 * What is wrong with `sub-issues.json` itself (its shape, a cycle, an open
 * blocker outside the siblings), with no plan to check against it: the plan
 * session commits the graph alone when it cannot make a plan of it.
 */
export function subIssueGraphProblems(subIssues: unknown, build: string): string[] {
  const graph = parseSubIssueGraph(subIssues, parseBuildId(build)?.issue ?? 0);
  if (!graph.ok) return graph.problems;
  const expected = planFromSubIssues(graph.graph);
  return expected.ok ? [] : expected.problems;
}

/**
 * The sub-issue rules alone, for publish to hold a plan session's commit to
 * them: plan.json against the graph, or, with no graph, no worker that names
 * a sub-issue. A graph with no plan passes: it is how a session reports
 * sub-issues that cannot be planned, and the app shows the graph's problems.
 */
export function subIssueRecordProblems({
  plan,
  subIssues,
  build,
}: {
  plan: unknown;
  subIssues: unknown;
  build: string;
}): string[] {
  if (plan === undefined) return [];
  if (subIssues === undefined) return strayProblems(plan);
  return subIssueProblems(plan, build, subIssues);
}

/** A worker's `engine` must be one `session.engine` allows. */
function engineProblems(raw: unknown, engines: readonly Engine[]): string[] {
  const list = valueAt(raw, ['workers']);
  return (Array.isArray(list) ? list : []).flatMap((item: unknown) => {
    const engine = valueAt(item, ['engine']);
    if (typeof engine !== 'string' || engines.includes(engine as Engine)) return [];
    const id = String(valueAt(item, ['id']));
    return [
      `${id} asks for the engine ${engine}, which session.engine in .github/baton.yml does not allow (allowed: ${engines.join(', ')}); choose one of those or leave "engine" out.`,
    ];
  });
}

/** A worker may name a sub-issue only in a plan of sub-issues, which has `sub-issues.json`. */
function strayProblems(raw: unknown): string[] {
  const list = valueAt(raw, ['workers']);
  return (Array.isArray(list) ? list : []).flatMap((item: unknown) => {
    const sub = valueAt(item, ['sub_issue']);
    if (sub === undefined) return [];
    const id = String(valueAt(item, ['id']));
    return [
      `${id} names sub-issue ${JSON.stringify(sub)}, but the build's record has no sub-issues.json; remove "sub_issue" (only a plan of the issue's sub-issues carries it).`,
    ];
  });
}

/** The graph's own problems first (a cycle, an outside link); then the plan against it. */
function subIssueProblems(raw: unknown, build: string, subIssues: unknown): string[] {
  const graph = parseSubIssueGraph(subIssues, parseBuildId(build)?.issue ?? 0);
  if (!graph.ok) return graph.problems;
  const expected = planFromSubIssues(graph.graph);
  if (!expected.ok) return expected.problems;
  const list = valueAt(raw, ['workers']);
  const loose = (Array.isArray(list) ? list : []).flatMap((item: unknown) => {
    const id = valueAt(item, ['id']);
    if (typeof id !== 'string') return [];
    const sub = valueAt(item, ['sub_issue']);
    const deps = valueAt(item, ['depends_on']);
    return [
      {
        id,
        sub_issue: typeof sub === 'number' ? sub : undefined,
        depends_on: Array.isArray(deps)
          ? deps.filter((d): d is string => typeof d === 'string')
          : [],
      },
    ];
  });
  return subIssuePlanProblems(loose, expected.workers);
}

/**
 * Follow-up workers, which a research build's synthesis proposes: only in a
 * research plan, rounds numbered from 1 without a gap, each round in waves
 * after every worker planned before it (ids continue the numbering), and
 * nothing a synthesis has no say in (outputs, a sub-issue, a loop).
 */
function followUpProblems(raw: unknown): string[] {
  const list = valueAt(raw, ['workers']);
  const items = (Array.isArray(list) ? list : []).flatMap((item: unknown) => {
    const id = valueAt(item, ['id']);
    const round = valueAt(item, ['follow_up']);
    return typeof id === 'string' && WORKER_ID.test(id)
      ? [{ item, id, round: typeof round === 'number' ? round : 0 }]
      : [];
  });
  const followUps = items.filter((entry) => entry.round > 0);
  if (followUps.length === 0) return [];
  const problems: string[] = [];
  if (valueAt(raw, ['type']) !== 'research') {
    problems.push(
      `${followUps.map((entry) => entry.id).join(', ')} carry "follow_up", which only a research plan's synthesis writes; remove it.`,
    );
  }
  const rounds = [...new Set(followUps.map((entry) => entry.round))].sort((a, b) => a - b);
  for (const [i, round] of rounds.entries()) {
    if (round !== i + 1)
      problems.push(
        `Follow-up round ${round} comes without round ${i + 1}; number rounds 1, 2, … in order.`,
      );
  }
  for (const { item, id, round } of followUps) {
    const earlier = items.filter((entry) => entry.round < round).map((entry) => waveOf(entry.id));
    const last = Math.max(0, ...earlier);
    if (waveOf(id) <= last)
      problems.push(
        `${id} is a follow-up of round ${round} in wave ${waveOf(id)}, but workers planned before it reach wave ${last}; give it an id in wave ${last + 1} or later.`,
      );
    for (const field of ['outputs', 'sub_issue', 'loop'])
      if (valueAt(item, [field]) !== undefined)
        problems.push(`${id} is a follow-up question; remove "${field}" from it.`);
  }
  return problems;
}

function looseWorkers(raw: unknown): LooseWorker[] {
  const list = valueAt(raw, ['workers']);
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown, index): LooseWorker[] => {
    const id = valueAt(item, ['id']);
    if (typeof id !== 'string' || !WORKER_ID.test(id)) return [];
    const deps = valueAt(item, ['depends_on']);
    const dependsOn = Array.isArray(deps)
      ? deps.filter((dep): dep is string => typeof dep === 'string' && WORKER_ID.test(dep))
      : [];
    const named = valueAt(item, ['repository']);
    const repository = (home: string) =>
      typeof named === 'string' ? named.trim().toLowerCase() : home;
    return [{ index, id, dependsOn, repository }];
  });
}

function buildProblems(raw: unknown, build: string): string[] {
  const problems: string[] = [];
  const planBuild = valueAt(raw, ['build']);
  if (typeof planBuild === 'string' && planBuild !== build) {
    problems.push(
      `plan.json says "build": ${JSON.stringify(planBuild)}, but it lies on the branch of build ${build}; set "build": "${build}".`,
    );
  }
  const issue = valueAt(raw, ['issue']);
  const expected = parseBuildId(build)?.issue;
  if (typeof issue === 'number' && expected !== undefined && issue !== expected) {
    problems.push(
      `plan.json says "issue": ${issue}, but build ${build} answers issue ${expected}; set "issue": ${expected}.`,
    );
  }
  return problems;
}

function countProblems(raw: unknown): string[] {
  const list = valueAt(raw, ['workers']);
  if (!Array.isArray(list) || list.length <= MAX_WORKERS) return [];
  return [
    `The plan has ${list.length} workers, more than the ${MAX_WORKERS} allowed; merge small workers or leave work for a follow-up build.`,
  ];
}

function duplicateProblems(workers: LooseWorker[]): string[] {
  const byId = new Map<string, LooseWorker[]>();
  for (const worker of workers) byId.set(worker.id, [...(byId.get(worker.id) ?? []), worker]);
  return [...byId].flatMap(([id, same]) =>
    same.length < 2
      ? []
      : [
          `${id} is the id of ${same.length} workers (${same.map((w) => `workers[${w.index}]`).join(', ')}); give each worker its own id.`,
        ],
  );
}

function dependencyProblems(workers: LooseWorker[]): string[] {
  const known = new Set(workers.map((worker) => worker.id));
  const problems: string[] = [];
  for (const { id, dependsOn } of workers) {
    for (const [i, dep] of dependsOn.entries()) {
      if (dependsOn.indexOf(dep) !== i) {
        problems.push(`${id} lists ${dep} more than once in depends_on; list it once.`);
      } else if (dep === id) {
        problems.push(`${id} depends on itself; remove ${id} from its depends_on.`);
      } else if (!known.has(dep)) {
        problems.push(
          `${id} depends on ${dep}, which is not in the plan; add ${dep} or remove it from depends_on.`,
        );
      } else if (waveOf(dep) >= waveOf(id)) {
        const which = waveOf(dep) === waveOf(id) ? 'the same wave' : 'a later wave';
        problems.push(
          `${id} (wave ${waveOf(id)}) depends on ${dep} in ${which}; a worker may depend only on earlier waves, so move ${id} to a later wave or drop the dependency.`,
        );
      }
    }
  }
  return problems;
}

function briefProblems(workers: LooseWorker[], briefSizes: Record<string, number>): string[] {
  const ids = [...new Set(workers.map((worker) => worker.id))];
  return ids.flatMap((id) => {
    const path = `workers/${id}.md`;
    const size = briefSizes[path];
    if (size === undefined) return [`${id} has no brief: commit ${path} beside plan.json.`];
    if (size <= BRIEF_MAX_BYTES) return [];
    return [
      `The brief of ${id} (${path}) is ${size} bytes, more than the ${BRIEF_MAX_BYTES} allowed (32 KB); shorten it or split the worker.`,
    ];
  });
}
