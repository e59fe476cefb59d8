/**
 * The build record sessions write on the build branch: the plan (`plan.json`),
 * and beside it in this folder its briefs, completions, findings, usage and
 * adapt records and sub-issue graphs, with their schemas and the checks a plan
 * must pass. The app reads only these small, schema-checked files, never a
 * brief's body or a diff.
 */
import { z } from 'zod';
import { Engine } from '../sessions/engines.js';
import { REPOSITORY_NAME, WORKER_ID } from '../vocabulary/ids.js';

/** How hard a worker's task is; it picks the model from `models` in the config. */
export const Complexity = z.enum(['easy', 'normal', 'complex']);
export type Complexity = z.infer<typeof Complexity>;

/** A plan may hold at most this many workers. */
export const MAX_WORKERS = 60;

/** How many rounds of follow-up questions a research build may run (each after a synthesis). */
export const MAX_FOLLOW_UP_ROUNDS = 5;

export const WorkerId = z.string().regex(WORKER_ID, 'a worker id is W<wave>.<seq>, like W1.2');

/**
 * What a build delivers: `code` (workers change the repository), `research`
 * (workers write findings into the build's record, a synthesis writes one
 * report) or `content` (workers write documents to their declared outputs).
 */
export const BuildType = z.enum(['code', 'research', 'content']);
export type BuildType = z.infer<typeof BuildType>;

/**
 * A file a content worker writes, relative to the repository root: no `..`,
 * no leading `/`, nothing under `.baton/` or `.github/`.
 */
export const OutputPath = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .refine(
    (path) =>
      !path.startsWith('/') &&
      !path.split('/').some((part) => part === '..' || part === '.' || part === '') &&
      !path.startsWith('.baton/') &&
      !path.startsWith('.github/'),
    'an output is a file path relative to the repository root, without .., outside .baton/ and .github/',
  );

/**
 * A repository as `owner/name`, compared as GitHub compares names (without
 * regard to case): kept in lower case. A clone URL's `.git` is not part of
 * the name: GitHub takes no repository name ending in it.
 */
export const RepositoryName = z
  .string()
  .trim()
  .regex(REPOSITORY_NAME, 'must be a repository as owner/name, like acme/lib')
  .refine((name) => !/\.git$/i.test(name), 'must be owner/name without .git, like acme/lib')
  .transform((name) => name.toLowerCase());

/**
 * One acceptance criterion: a sentence a machine can check (a test can pass or
 * fail on it), which the contract session turns into a check before any work
 * starts (docs/verification.md). Numbered from 1 in the order written.
 */
export const CriterionText = z.string().trim().min(1).max(300);
export const Criterion = z.union([
  CriterionText,
  z.strictObject({ text: CriterionText, guard: z.literal(true).optional() }),
]);
export type Criterion = z.infer<typeof Criterion>;

/** A worker may carry at most this many criteria; the build as a whole, `MAX_BUILD_CRITERIA`. */
export const MAX_WORKER_CRITERIA = 10;
export const MAX_BUILD_CRITERIA = 20;

/** One worker of a plan. Its brief is always `workers/<id>.md` beside `plan.json`. */
export const PlanWorker = z.strictObject({
  /** `W<wave>.<seq>`; the wave is the first number. */
  id: WorkerId,
  /** What the worker delivers, in a few words; it becomes the PR title. */
  title: z.string().trim().min(1).max(120),
  /** Workers whose merged work this one builds on; only earlier waves. */
  depends_on: z.array(WorkerId).max(60).default([]),
  /** Picks the model: `easy`, `normal` or `complex`. */
  complexity: Complexity.default('normal'),
  /**
   * The coding engine of this worker's work and fix sessions, when not the
   * one `session.engine` gives the role: one the configuration allows.
   */
  engine: Engine.optional(),
  /**
   * In a change set (docs/change-sets.md): the repository this worker changes,
   * one `changeSets.repositories` lists; absent, the issue's own.
   */
  repository: RepositoryName.optional(),
  /** What this worker's work must make true, each checkable; the contract holds a check for each. */
  criteria: z.array(Criterion).max(MAX_WORKER_CRITERIA).optional(),
  /**
   * This worker may change the build's contract (its check files and
   * `contract.json`): the contract worker always; another only where the plan
   * says so, which a person approves with the plan. Publish refuses a contract
   * change from any other worker (docs/verification.md).
   */
  contract: z.literal(true).optional(),
  /** For a `content` build: the files this worker writes, and the only ones publish lets it change. */
  outputs: z.array(OutputPath).max(50).optional(),
  /** In a build of sub-issues: the sub-issue this worker carries out (see sub-issue-graph.ts). */
  sub_issue: z.number().int().positive().optional(),
  /**
   * The improvement loop that planned this worker (docs/improve.md); set by the
   * plan session's own code, absent outside loops.
   */
  loop: z.number().int().min(1).max(99).optional(),
  /**
   * In a research build: the follow-up round whose synthesis proposed this
   * worker (1 for the first synthesis). Set by the synthesis session's own
   * code; it runs only after a person's `/approve` (docs/build-types.md).
   */
  follow_up: z.number().int().min(1).max(MAX_FOLLOW_UP_ROUNDS).optional(),
});
export type PlanWorker = z.infer<typeof PlanWorker>;

/**
 * `plan.json`: the machine-readable plan a `plan` session commits to the build
 * branch. The app reads only this file (size-capped), never the briefs.
 */
export const Plan = z.strictObject({
  /** Schema version, so that later plans can be told apart. */
  version: z.literal(1),
  /**
   * The build id, `<issue>-<slug>` (a change set's member builds copy the set's
   * plan under their own, `<issue>-<slug>.<owner>.<repo>`); must match the branch it lies on.
   */
  build: z.string().min(1).max(200),
  /** The issue the build answers. */
  issue: z.number().int().positive(),
  /** One line: what the build delivers. */
  title: z.string().trim().min(1).max(200),
  /** `code` when absent; a `research` or `content` build changes what workers may write. */
  type: BuildType.optional(),
  /** One paragraph for people: the approach, and what is left out. */
  summary: z.string().trim().min(1).max(3000),
  /** What the build as a whole must make true, each checkable: its acceptance criteria. */
  criteria: z.array(Criterion).max(MAX_BUILD_CRITERIA).optional(),
  /** Every worker; `validatePlan` checks ids, dependencies and sizes. */
  workers: z.array(PlanWorker).min(1).max(500),
});
export type Plan = z.infer<typeof Plan>;

/** The wave of a worker id that has already passed the schema. */
export function waveOf(id: string): number {
  return Number(id.slice(1, id.indexOf('.')));
}

/**
 * The build's milestones: each wave from 1 on, oldest first (the contract's
 * wave 0 is none). Milestone k is reached when every worker of waves ≤ k is
 * done, and a build with a contract validates each one it reaches.
 */
export function milestonesOf(plan: Pick<Plan, 'workers'>): number[] {
  return [...new Set(plan.workers.map((worker) => waveOf(worker.id)))]
    .filter((wave) => wave >= 1)
    .sort((a, b) => a - b);
}

/** The plan's build type; a plan without one is a `code` build. */
export function buildTypeOf(plan: Pick<Plan, 'type'>): BuildType {
  return plan.type ?? 'code';
}
