import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  COMPLETION_MAX_BYTES,
  Completion,
  type Usage,
} from '../../../../core/records/completion.js';
import { impossibleProblems } from '../../../../core/records/impossible.js';
import { completionPath } from '../../../../core/vocabulary/ids.js';
import type { LoopOutcome } from '../../model/model-loop.js';
import { addUsage } from '../../model/usage-meter.js';
import { createSubmitTool, type SubmitTool } from '../../tools/submit-tool.js';

/**
 * What the model hands in through `submit_completion`: Baton adds the worker
 * id, the usage and the tests (it runs them itself; a model cannot claim them).
 */
export const CompletionSubmission = Completion.omit({ worker_id: true, usage: true, tests: true });
export type CompletionSubmission = ReturnType<typeof CompletionSubmission.parse>;

/** Room kept for the usage block when checking a submission's size. */
const USAGE_ROOM = 512;

/** What `submit_completion` checks a report against: the plan's workers, and the criteria this worker may call impossible. */
export interface PlanFacts {
  /** The plan's worker ids; null when the plan cannot be read (then only an empty `affects` passes). */
  workers: readonly string[] | null;
  /** The criteria `impossible` may name (`nameableCriteria`); none when the plan cannot be read. */
  nameable: readonly string[];
}

/**
 * `submit_completion` for one worker; the report must fit COMPLETION_MAX_BYTES,
 * `affects` may name only other workers of the plan, and `impossible` only
 * criteria this worker may name.
 */
export function createCompletionTool(
  worker: string,
  plan: PlanFacts,
): SubmitTool<CompletionSubmission> {
  return createSubmitTool({
    name: 'submit_completion',
    description:
      'Hand in your report: status (complete, partial, blocked, failed or impossible), a one-paragraph summary, the artifacts (paths) you created or changed, and short lists of learnings, concerns, decisions and follow_up. ' +
      'In affects, name the later workers of the plan (ids like W2.1) whose briefs your learnings should change before they start; leave it empty when none. ' +
      'Status partial (when Baton tells you a limit is near) hands in what works so far with a handoff: what is done, what is left, and what you were about to try next. ' +
      'Status impossible says a criterion cannot be met (it contradicts the brief, another criterion or the code you were given), with impossible: the criteria by id, the reason and the evidence.',
    schema: CompletionSubmission,
    check(value) {
      const problems = statusProblems(value, worker, plan.nameable);
      if (problems.length > 0) return { ok: false, problems };
      const wrong = affectsProblems(worker, value.affects, plan.workers);
      if (wrong.length > 0) return { ok: false, problems: wrong };
      const bytes = Buffer.byteLength(JSON.stringify({ worker_id: worker, ...value })) + USAGE_ROOM;
      if (bytes > COMPLETION_MAX_BYTES) {
        return {
          ok: false,
          problems: [
            `the report is ${bytes} bytes; at most ${COMPLETION_MAX_BYTES}: shorten the lists`,
          ],
        };
      }
      return { ok: true, value };
    },
  });
}

/** What a report's status asks of it: a handoff for `partial`, `impossible` with it and only with it. */
export function statusProblems(
  value: Pick<CompletionSubmission, 'status' | 'handoff' | 'impossible'>,
  worker: string,
  nameable: readonly string[],
): string[] {
  if (value.status === 'partial' && !value.handoff) {
    return [
      'status partial needs a handoff: done (what works now), left (what the brief still asks), next (what you were about to try)',
    ];
  }
  if (value.status !== 'impossible') {
    return value.impossible
      ? ['impossible goes only with status impossible: leave it out, or hand in status impossible']
      : [];
  }
  if (!value.impossible) {
    return [
      'status impossible needs impossible: the criteria that cannot be met (by id), the reason, and the evidence',
    ];
  }
  return impossibleProblems(value.impossible, nameable, worker);
}

function affectsProblems(
  worker: string,
  affects: readonly string[],
  planWorkers: readonly string[] | null,
): string[] {
  const known = new Set(planWorkers ?? []);
  return affects.flatMap((id) => {
    if (id === worker) return [`affects names ${id}, this worker; name only later workers`];
    if (!known.has(id)) {
      return [
        `affects names ${id}, which is not a worker of the plan (${planWorkers?.join(', ') || 'the plan could not be read'})`,
      ];
    }
    return [];
  });
}

/** A report Baton writes itself when the model could not hand one in. */
export function failedCompletion(worker: string, reason: string, usage: Usage): Completion {
  return batonCompletion({ worker, status: 'failed', summary: reason, usage });
}

/**
 * A report Baton writes in the model's stead: the summary cut to its limit,
 * the concerns and hand-off it is given, nothing else listed.
 */
export function batonCompletion({
  worker,
  status,
  summary,
  usage,
  concerns = [],
  handoff,
}: Pick<Completion, 'status' | 'summary' | 'usage'> &
  Partial<Pick<Completion, 'concerns' | 'handoff'>> & { worker: string }): Completion {
  return {
    worker_id: worker,
    status,
    summary: summary.slice(0, 4000),
    artifacts: [],
    learnings: [],
    concerns,
    decisions: [],
    follow_up: [],
    affects: [],
    usage,
    ...(handoff ? { handoff } : {}),
  };
}

/** The worker's committed report, or null when there is none or it does not parse. */
export async function readCompletion(
  root: string,
  build: string,
  worker: string,
): Promise<Completion | null> {
  const text = await readFile(path.join(root, completionPath(build, worker)), 'utf8').catch(
    () => null,
  );
  if (text === null || Buffer.byteLength(text) > COMPLETION_MAX_BYTES) return null;
  try {
    const parsed = Completion.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Writes `completions/<id>.json` in the checkout, to be committed with the work. */
export async function writeCompletion(
  root: string,
  build: string,
  completion: Completion,
): Promise<void> {
  const file = path.join(root, completionPath(build, completion.worker_id));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, completionText(completion));
}

/** The committed text of a completion. */
export function completionText(completion: Completion): string {
  return `${JSON.stringify(completion, null, 2)}\n`;
}

/**
 * The report to commit. Its usage counts the worker's earlier sessions too (a
 * fix adds to the work it fixes), because the final delivery report reads cost
 * per worker from these files; the session's own usage is in result.json.
 */
export function completionOf({
  worker,
  outcome,
  previous,
  usage,
}: {
  worker: string;
  outcome: LoopOutcome<CompletionSubmission>;
  previous: Completion | null;
  /** This session's own usage. */
  usage: Usage;
}): Completion {
  const total = previous ? addUsage(previous.usage, usage) : usage;
  if (outcome.kind === 'failed') return failedCompletion(worker, outcome.reason, total);
  return { worker_id: worker, ...outcome.value, usage: total };
}
