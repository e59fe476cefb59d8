import { z } from 'zod';
import {
  BuildType,
  Complexity,
  Criterion,
  MAX_BUILD_CRITERIA,
  MAX_WORKER_CRITERIA,
  OutputPath,
  type Plan,
  WorkerId,
} from '../../../core/plan/plan.js';
import { validatePlan } from '../../../core/plan/validate-plan.js';
import { parseBrief, renderBriefFile } from '../../../core/records/brief.js';
import { Engine } from '../../../core/sessions/engines.js';
import { listEngines } from '../../../core/vocabulary/engine-names.js';
import { compareWorkerIds } from '../../../core/vocabulary/ids.js';
import type { Accepted } from '../tools/submit-tool.js';
import { withContractWorker } from './contract-plan.js';
import { composeSubIssueBrief, type SubIssueRead } from './sub-issue-plan.js';

const SubmittedWorker = z.strictObject({
  id: WorkerId.describe('W<wave>.<seq>: W1.1, W1.2, W2.1 …'),
  title: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .describe('What the worker delivers, in a few words; it becomes the PR title.'),
  depends_on: z
    .array(WorkerId)
    .default([])
    .describe('Workers of earlier waves whose merged work this one needs.'),
  complexity: Complexity.default('normal').describe('Picks the model: easy, normal or complex.'),
  engine: Engine.optional().describe(
    `Only when the prompt lists more than one engine: the coding engine of this worker (${listEngines()}), one the prompt allows; left out, the configured default.`,
  ),
  outputs: z
    .array(OutputPath)
    .max(50)
    .optional()
    .describe(
      'Content builds only: the files this worker writes, relative to the repository root; it may change no others.',
    ),
  sub_issue: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Only when the issue has sub-issues: the sub-issue this worker carries out.'),
  repository: z
    .string()
    .trim()
    .optional()
    .describe(
      'Only when the prompt lists other repositories: the one this worker changes (owner/name); left out, this repository.',
    ),
  criteria: z
    .array(Criterion)
    .max(MAX_WORKER_CRITERIA)
    .optional()
    .describe(
      'What this worker\'s work must make true: its acceptance criteria, each a sentence a test can pass or fail on (in a research or content build, one a reviewer can judge with a citation). One that holds already and must keep holding (a guard against a regression) is { "text": "…", "guard": true }.',
    ),
  brief: z
    .string()
    .min(1)
    .describe(
      'The brief body in markdown, without front matter: mission, output paths, context, requirements, ' +
        'success criteria as "- [ ]" checkboxes, what to report back. Self-contained: the worker sees only this and the repository.',
    ),
});

/** What the model hands in through `submit_plan`; Baton adds the build, the issue and the files. */
export const PlanSubmission = z.strictObject({
  title: z.string().trim().min(1).max(200).describe('One line: what the build delivers.'),
  summary: z
    .string()
    .trim()
    .min(1)
    .max(3000)
    .describe('One paragraph for people: the approach, and what is left out.'),
  type: BuildType.optional().describe(
    'code (workers change the repository), research (workers write findings, a synthesis writes the report) or content (workers write documents to their outputs); code when left out. A type label on the issue decides it.',
  ),
  criteria: z
    .array(Criterion)
    .max(MAX_BUILD_CRITERIA)
    .optional()
    .describe(
      'What the build as a whole must make true: its acceptance criteria, each a sentence a test can pass or fail on; one that holds already and must keep holding is { "text": "…", "guard": true }.',
    ),
  workers: z.array(SubmittedWorker).min(1),
});
export type PlanSubmission = z.infer<typeof PlanSubmission>;

/** A checked plan and the text of each brief file, by worker id. */
export interface PlanFiles {
  plan: Plan;
  briefs: Map<string, string>;
}

/**
 * Checks a submission with the app's own `validatePlan` (ids, dependencies only
 * on earlier waves, at most 60 workers, briefs of at most 32 KB), and each brief
 * with `parseBrief`, so that the model corrects its plan here instead of the
 * build failing after the commit.
 */
export function checkPlanSubmission(
  submission: PlanSubmission,
  {
    build,
    issue,
    subIssues,
    labelled = 'code',
    engines,
    repositories,
    contract = false,
  }: {
    build: string;
    issue: number;
    subIssues?: SubIssueRead | null;
    /**
     * A change set: this repository and the others a worker may name (lower case),
     * this one first. Absent: no worker names a repository.
     */
    repositories?: { home: string; others: string[] };
    /** The engines `session.engine` allows a worker to name. */
    engines?: readonly Engine[];
    /** The type the issue's label asks for; `code` (the plain label) leaves it to the plan. */
    labelled?: BuildType;
    /**
     * Whether a code plan with criteria gets the contract's worker (`verification.contract`,
     * outside a plan of sub-issues and an improvement loop); a change set's, one per repository.
     */
    contract?: boolean;
  },
): Accepted<PlanFiles> {
  const type = labelled === 'code' ? (submission.type ?? 'code') : labelled;
  const planned = withContractWorker(submission, {
    type,
    contract,
    ...(repositories ? { home: repositories.home } : {}),
  });
  const workers = [...planned.workers]
    .sort((a, b) => compareWorkerIds(a.id, b.id))
    .map((worker) => withSubIssueTitle(worker, subIssues));
  const briefs = new Map<string, string>();
  const briefSizes: Record<string, number> = {};
  const problems: string[] = [...planned.problems];
  if (submission.type !== undefined && submission.type !== type) {
    problems.push(
      `the issue's label asks for a ${labelled} build, not ${submission.type}: leave type out or set it to ${labelled}`,
    );
  }
  problems.push(...repositoryProblems(workers, repositories));
  for (const worker of workers) {
    const text = renderBriefFile(worker, briefBody(worker, subIssues));
    briefs.set(worker.id, text);
    briefSizes[`workers/${worker.id}.md`] = Buffer.byteLength(text);
    problems.push(...checkBrief(worker.id, text));
  }
  const raw = {
    version: 1,
    build,
    issue,
    title: submission.title,
    summary: submission.summary,
    // Only a build that is not code says its type: a code build's plan.json stays as it was.
    ...(type === 'code' ? {} : { type }),
    ...(submission.criteria?.length ? { criteria: submission.criteria } : {}),
    workers: workers.map(
      ({ id, title, depends_on, complexity, engine, outputs, sub_issue, repository, ...more }) => ({
        id,
        title,
        depends_on,
        complexity,
        ...(engine ? { engine } : {}),
        ...(more.criteria?.length ? { criteria: more.criteria } : {}),
        ...(more.contract ? { contract: true as const } : {}),
        ...(repository && repository.toLowerCase() !== repositories?.home
          ? { repository: repository.toLowerCase() }
          : {}),
        ...(outputs && outputs.length > 0 ? { outputs } : {}),
        ...(sub_issue === undefined ? {} : { sub_issue }),
      }),
    ),
  };
  const validation = validatePlan({
    raw,
    build,
    briefSizes,
    ...(subIssues ? { subIssues: subIssues.graph } : {}),
    ...(engines ? { engines } : {}),
    contract,
  });
  if (!validation.ok) problems.unshift(...validation.problems);
  if (type === 'content') problems.push(...missingOutputs(workers));
  if (!validation.ok || problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { plan: validation.plan, briefs } };
}

type SubmittedWorker = PlanSubmission['workers'][number];
/** A submitted worker, or the contract's worker the plan session's code adds. */
type PlannedWorker = SubmittedWorker & { contract?: true };

/** A worker of a sub-issue is named as the sub-issue is, on GitHub. */
function withSubIssueTitle(
  worker: PlannedWorker,
  subIssues: SubIssueRead | null | undefined,
): PlannedWorker {
  const sub = subIssues?.graph.sub_issues.find((s) => s.number === worker.sub_issue);
  return sub ? { ...worker, title: sub.title.slice(0, 120) } : worker;
}

/** The brief of a sub-issue's worker is the sub-issue's description, then the submitted text. */
function briefBody(worker: PlannedWorker, subIssues: SubIssueRead | null | undefined): string {
  const number = worker.sub_issue;
  if (!subIssues || number === undefined) return worker.brief;
  const description = subIssues.bodies.get(number) ?? '';
  return composeSubIssueBrief({ number, description, addition: worker.brief });
}

/** What validatePlan cannot see: that the brief parses, and that its success criteria are checkboxes. */
function checkBrief(id: string, text: string): string[] {
  const parsed = parseBrief(text);
  if (!parsed.ok) return parsed.problems.map((p) => `the brief of ${id}: ${p}`);
  if (!/^\s*- \[ \] /m.test(parsed.body)) {
    return [`the brief of ${id} has no success criteria: list them as "- [ ] …" checkboxes`];
  }
  return [];
}

/** A worker may name only a repository the prompt listed (or this one). */
function repositoryProblems(
  workers: { id: string; repository?: string | undefined }[],
  repositories: { home: string; others: string[] } | undefined,
): string[] {
  const allowed = new Set(repositories ? [repositories.home, ...repositories.others] : []);
  return workers.flatMap((worker) => {
    const named = worker.repository?.toLowerCase();
    if (named === undefined || allowed.has(named)) return [];
    return [
      repositories
        ? `${worker.id} names ${named}, which this plan may not give work to: name one of ${[...allowed].join(', ')}, or leave "repository" out`
        : `${worker.id} names a repository, but this build changes only this one: leave "repository" out`,
    ];
  });
}

/** A content worker with nowhere to write could deliver nothing. */
function missingOutputs(workers: { id: string; outputs?: string[] | undefined }[]): string[] {
  return workers
    .filter((worker) => !worker.outputs || worker.outputs.length === 0)
    .map(
      (worker) =>
        `${worker.id} has no outputs: in a content build each worker lists the files it writes`,
    );
}
