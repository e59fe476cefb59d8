import { MAX_FOLLOW_UP_ROUNDS, MAX_WORKERS, type Plan, waveOf } from '../../../core/plan/plan.js';
import { validatePlan } from '../../../core/plan/validate-plan.js';
import { renderBriefFile } from '../../../core/records/brief.js';
import { buildDir, reportPath } from '../../../core/vocabulary/ids.js';
import type { FollowUpQuestion } from '../../result.js';

/** The most workers one round of follow-up questions adds. */
const ROUND_MAX = 10;

export type FollowUpAmendment =
  | { kind: 'none'; why: string }
  | { kind: 'amended'; plan: Plan; round: number; briefs: Map<string, string> };

/**
 * The synthesis's follow-up questions as a plan amendment, written by code,
 * not by the model: a worker per question (at most ten), in the wave after
 * every planned one, carrying `follow_up: <round>`, depending on nothing (the
 * earlier findings are merged already), each with a brief that asks its
 * question. The earlier workers stay exactly as they are; the whole plan is
 * checked again. A round already proposed and not run (an earlier attempt of
 * this synthesis wrote it, then failed) stands: nothing is added.
 */
export function amendWithFollowUps({
  plan,
  questions,
  build,
  hasFindings,
}: {
  plan: Plan;
  questions: FollowUpQuestion[];
  build: string;
  /** Whether a worker's findings are on the build branch. */
  hasFindings: (worker: string) => boolean;
}): FollowUpAmendment {
  if (questions.length === 0) return { kind: 'none', why: 'no follow-up questions' };
  const last = Math.max(0, ...plan.workers.map((w) => w.follow_up ?? 0));
  const lastRound = plan.workers.filter((w) => w.follow_up === last);
  if (last > 0 && !lastRound.some((w) => hasFindings(w.id))) {
    return { kind: 'none', why: `round ${last} is proposed already and has not run` };
  }
  if (last >= MAX_FOLLOW_UP_ROUNDS) {
    return { kind: 'none', why: `a build runs at most ${MAX_FOLLOW_UP_ROUNDS} follow-up rounds` };
  }
  const wave = Math.max(0, ...plan.workers.map((w) => waveOf(w.id))) + 1;
  const room = Math.min(ROUND_MAX, MAX_WORKERS - plan.workers.length);
  if (wave > 99 || room <= 0) return { kind: 'none', why: 'the plan has no room for more workers' };
  const round = last + 1;
  const added = questions.slice(0, room).map((question, i) => ({
    id: `W${wave}.${i + 1}`,
    title: question.title,
    depends_on: [] as string[],
    complexity: 'normal' as const,
    follow_up: round,
  }));
  const briefs = new Map<string, string>();
  const briefSizes: Record<string, number> = {};
  for (const [i, worker] of added.entries()) {
    const text = renderBriefFile(worker, followUpBrief(build, questions[i]?.question ?? ''));
    briefs.set(worker.id, text);
    briefSizes[`workers/${worker.id}.md`] = Buffer.byteLength(text);
  }
  // Earlier briefs are on the branch already and were checked when they were written.
  for (const worker of plan.workers) briefSizes[`workers/${worker.id}.md`] = 1;
  const checked = validatePlan({
    raw: { ...plan, workers: [...plan.workers, ...added] },
    build,
    briefSizes,
  });
  if (!checked.ok) return { kind: 'none', why: checked.problems.join(' ') };
  return { kind: 'amended', plan: checked.plan, round, briefs };
}

/** A follow-up worker's brief: the question, and where the earlier answers are. */
function followUpBrief(build: string, question: string): string {
  return [
    '## Question',
    '',
    question.trim(),
    '',
    '## Context',
    '',
    `The synthesis of this research build proposed this question after reading every finding. The earlier findings are in \`${buildDir(build)}/findings/\` and the report in \`${reportPath(build)}\`.`,
    '',
    '## What to deliver',
    '',
    'Your findings document, as the research-work skill says: the answer, its confidence and its sources.',
  ].join('\n');
}
