import { describe, expect, it } from 'vitest';
import {
  planFromSubIssues,
  type SubIssue,
  type SubIssueGraph,
  subIssuePlanProblems,
} from '../../src/core/plan/sub-issue-graph.js';
import { validatePlan } from '../../src/core/plan/validate-plan.js';
import { BUILD, makePlan, makeWorker } from './factories.js';

function sub(number: number, blockedBy: (number | [number, 'open' | 'closed'])[] = []): SubIssue {
  return {
    number,
    title: `Part ${number}`,
    state: 'open',
    blocked_by: blockedBy.map((b) =>
      Array.isArray(b) ? { number: b[0], state: b[1] } : { number: b, state: 'open' },
    ),
  };
}

function graph(subIssues: SubIssue[]): SubIssueGraph {
  return { version: 1, parent: 12, sub_issues: subIssues };
}

describe('planFromSubIssues', () => {
  it('makes one worker per open sub-issue, waves by the depth of its "blocked by" links', () => {
    const result = planFromSubIssues(graph([sub(20, [21]), sub(21), sub(22), sub(23, [20, 22])]));
    expect(result).toEqual({
      ok: true,
      workers: [
        { id: 'W1.1', sub_issue: 21, title: 'Part 21', depends_on: [] },
        { id: 'W1.2', sub_issue: 22, title: 'Part 22', depends_on: [] },
        { id: 'W2.1', sub_issue: 20, title: 'Part 20', depends_on: ['W1.1'] },
        { id: 'W3.1', sub_issue: 23, title: 'Part 23', depends_on: ['W2.1', 'W1.2'] },
      ],
    });
  });

  it('leaves closed sub-issues out and treats a closed blocker, sibling or not, as done', () => {
    const closed: SubIssue = { ...sub(21), state: 'closed' };
    const result = planFromSubIssues(graph([sub(20, [21, [99, 'closed']]), closed]));
    expect(result).toEqual({
      ok: true,
      workers: [{ id: 'W1.1', sub_issue: 20, title: 'Part 20', depends_on: [] }],
    });
  });

  it.each([
    [
      'a cycle',
      [sub(20, [22]), sub(21, [20]), sub(22, [21])],
      [
        `The "blocked by" links of #12's sub-issues form a cycle: #20 is blocked by #22 is blocked by #21 is blocked by #20; remove one of these links.`,
      ],
    ],
    [
      'an open blocker outside the siblings',
      [sub(20, [99]), sub(21)],
      [
        '#20 is blocked by #99, which is not a sub-issue of #12; add #99 as a sub-issue of #12, close it, or remove the link.',
      ],
    ],
    [
      'nothing open',
      [{ ...sub(20), state: 'closed' as const }],
      [
        'Every sub-issue of #12 is closed: there is nothing to build. Reopen or add a sub-issue, then /replan.',
      ],
    ],
  ])('refuses %s with what to fix', (_name, subs, problems) => {
    expect(planFromSubIssues(graph(subs))).toEqual({ ok: false, problems });
  });
});

describe('subIssuePlanProblems', () => {
  const expected = [
    { id: 'W1.1', sub_issue: 21, title: 'A', depends_on: [] },
    { id: 'W2.1', sub_issue: 20, title: 'B', depends_on: ['W1.1'] },
  ];

  it('accepts the plan the graph gives, dependencies in any order', () => {
    const workers = [
      { id: 'W2.1', sub_issue: 20, depends_on: ['W1.1'] },
      { id: 'W1.1', sub_issue: 21, depends_on: [] },
    ];
    expect(subIssuePlanProblems(workers, expected)).toEqual([]);
  });

  it('names a missing worker, a wrong sub-issue, other dependencies and an extra worker', () => {
    const workers = [
      { id: 'W2.1', sub_issue: 21, depends_on: [] },
      { id: 'W3.1', depends_on: ['W2.1'] },
    ];
    expect(subIssuePlanProblems(workers, expected)).toEqual([
      'Sub-issue #21 has no worker: add W1.1 with "sub_issue": 21.',
      'W2.1 must carry out sub-issue #20 ("sub_issue": 20), not #21.',
      'W2.1 must depend on exactly W1.1, as the "blocked by" links of #20 say; it lists nothing.',
      'W3.1 is not one of the open sub-issues; a build of sub-issues has one worker per open sub-issue, so remove it (or add a sub-issue for it on GitHub).',
    ]);
  });
});

describe('validatePlan with sub-issues', () => {
  const raw = makePlan({
    workers: [
      makeWorker({ id: 'W1.1', title: 'Part 21', sub_issue: 21 }),
      makeWorker({ id: 'W2.1', title: 'Part 20', sub_issue: 20, depends_on: ['W1.1'] }),
    ],
  });
  const briefSizes = { 'workers/W1.1.md': 10, 'workers/W2.1.md': 10 };

  it('accepts a plan that follows the graph', () => {
    const result = validatePlan({
      raw,
      build: BUILD,
      briefSizes,
      subIssues: graph([sub(20, [21]), sub(21)]),
    });
    expect(result.ok).toBe(true);
  });

  it('reports the graph problem rather than the plan when the graph is broken', () => {
    const result = validatePlan({
      raw,
      build: BUILD,
      briefSizes,
      subIssues: graph([sub(20, [21]), sub(21, [20])]),
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        `The "blocked by" links of #12's sub-issues form a cycle: #20 is blocked by #21 is blocked by #20; remove one of these links.`,
      ],
    });
  });

  it('refuses a graph of another issue', () => {
    const other = { ...graph([sub(20)]), parent: 13 };
    const result = validatePlan({ raw, build: BUILD, briefSizes, subIssues: other });
    expect(result).toEqual({
      ok: false,
      problems: [
        'sub-issues.json lists the sub-issues of #13, but the build answers #12; run /replan.',
      ],
    });
  });
});

describe('validatePlan without sub-issues', () => {
  it('refuses a worker that names a sub-issue when the record has no sub-issues.json', () => {
    const raw = makePlan({ workers: [makeWorker({ id: 'W1.1', title: 'Part', sub_issue: 99 })] });
    expect(validatePlan({ raw, build: BUILD, briefSizes: { 'workers/W1.1.md': 10 } })).toEqual({
      ok: false,
      problems: [
        `W1.1 names sub-issue 99, but the build's record has no sub-issues.json; remove "sub_issue" (only a plan of the issue's sub-issues carries it).`,
      ],
    });
  });
});
