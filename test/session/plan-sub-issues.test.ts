import { describe, expect, it } from 'vitest';
import type { SubIssueGraph } from '../../src/core/plan/sub-issue-graph.js';
import { subIssueRecordProblems } from '../../src/core/plan/validate-plan.js';
import { parseBrief } from '../../src/core/records/brief.js';
import {
  checkPlanSubmission,
  type PlanSubmission,
} from '../../src/session/agent/plan/plan-submission.js';
import {
  FILLED_IN_HEADING,
  type SubIssueRead,
} from '../../src/session/agent/plan/sub-issue-plan.js';
import { BUILD, makePlan, makeWorker } from '../core/factories.js';

const graph: SubIssueGraph = {
  version: 1,
  parent: 12,
  sub_issues: [
    {
      number: 20,
      title: 'Login API',
      state: 'open',
      blocked_by: [{ number: 21, state: 'open' }],
    },
    { number: 21, title: 'Session store', state: 'open', blocked_by: [] },
  ],
};
const read: SubIssueRead = {
  graph,
  bodies: new Map([
    [20, 'Expose POST /login.'],
    [21, 'Keep sessions in memory.'],
  ]),
  opened: new Map(),
};

const addition = 'Output: `src/login.ts`.\n\n- [ ] `npm test` passes';

type SubmittedWorker = PlanSubmission['workers'][number];

/** A submitted worker for sub-issue `subIssue`: easy, depending on nothing, the additions its brief. */
function submitted(id: string, subIssue: number, fields: Partial<SubmittedWorker> = {}) {
  return {
    id,
    title: id,
    depends_on: [],
    complexity: 'easy',
    sub_issue: subIssue,
    brief: addition,
    ...fields,
  } satisfies SubmittedWorker;
}

/** The plan session's submission of `workers`, checked against the issue's sub-issues. */
function check(workers: SubmittedWorker[]) {
  const submission = { title: 'Login', summary: 'From the sub-issues.', workers };
  return checkPlanSubmission(submission, { build: BUILD, issue: 12, subIssues: read });
}

describe('a plan submission for an issue with sub-issues', () => {
  it('writes each brief as the sub-issue’s description with the additions below, titled as on GitHub', () => {
    const checked = check([
      submitted('W1.1', 21, { title: 'anything' }),
      submitted('W2.1', 20, { title: 'API', depends_on: ['W1.1'], complexity: 'normal' }),
    ]);
    if (!checked.ok) throw new Error(checked.problems.join('\n'));
    expect(checked.value.plan.workers.map((w) => [w.id, w.title, w.sub_issue])).toEqual([
      ['W1.1', 'Session store', 21],
      ['W2.1', 'Login API', 20],
    ]);
    const brief = parseBrief(checked.value.briefs.get('W2.1') ?? '');
    expect(brief.ok && brief.body.trimStart()).toBe(
      `Sub-issue #20:\n\nExpose POST /login.\n\n${FILLED_IN_HEADING}\n\n${addition}\n`,
    );
  });

  it('refuses workers that differ from the sub-issues, saying what to change', () => {
    const checked = check([
      submitted('W1.1', 21, { title: 'A' }),
      submitted('W1.2', 20, { title: 'B' }),
    ]);
    expect(checked).toEqual({
      ok: false,
      problems: [
        'Sub-issue #20 has no worker: add W2.1 with "sub_issue": 20.',
        'W1.2 is not one of the open sub-issues; a build of sub-issues has one worker per open sub-issue, so remove it (or add a sub-issue for it on GitHub).',
      ],
    });
  });
});

describe('subIssueRecordProblems (publish)', () => {
  const plan = makePlan({
    workers: [
      makeWorker({ id: 'W1.1', title: 'Session store', sub_issue: 21 }),
      makeWorker({ id: 'W1.2', title: 'Login API', sub_issue: 20 }),
    ],
  });

  it('refuses a plan whose dependencies are not the blocked-by links', () => {
    expect(subIssueRecordProblems({ plan, subIssues: graph, build: BUILD })).toEqual([
      'Sub-issue #20 has no worker: add W2.1 with "sub_issue": 20.',
      'W1.2 is not one of the open sub-issues; a build of sub-issues has one worker per open sub-issue, so remove it (or add a sub-issue for it on GitHub).',
    ]);
  });

  it('lets a graph through alone (the app reports its problems), and a plain plan without one', () => {
    const cycle = {
      ...graph,
      sub_issues: graph.sub_issues.map((s) => ({
        ...s,
        blocked_by: [{ number: s.number === 20 ? 21 : 20, state: 'open' as const }],
      })),
    };
    expect(subIssueRecordProblems({ plan: undefined, subIssues: cycle, build: BUILD })).toEqual([]);
    const plain = { ...plan, workers: [{ id: 'W1.1', title: 'A' }] };
    expect(subIssueRecordProblems({ plan: plain, subIssues: undefined, build: BUILD })).toEqual([]);
  });

  it('refuses a plan that names a sub-issue without sub-issues.json', () => {
    expect(subIssueRecordProblems({ plan, subIssues: undefined, build: BUILD })).toHaveLength(2);
  });
});
