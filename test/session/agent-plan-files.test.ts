import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/plan/plan.js';
import { parseBrief, renderBriefFile } from '../../src/core/records/brief.js';
import { renderPlanMarkdown } from '../../src/session/agent/plan/plan-files.js';
import {
  checkPlanSubmission,
  type PlanSubmission,
} from '../../src/session/agent/plan/plan-submission.js';

const BODY = '## Mission\n\nDo it.\n\n## Success criteria\n\n- [ ] done\n';

function submission(
  workers: {
    id: string;
    depends_on?: string[];
    brief?: string;
    title?: string;
    criteria?: string[];
    repository?: string;
  }[],
): PlanSubmission {
  return {
    title: 'Build',
    summary: 'Summary.',
    workers: workers.map((w) => ({
      title: `Task ${w.id}`,
      depends_on: [],
      complexity: 'normal',
      brief: BODY,
      ...w,
    })),
  };
}

describe('checkPlanSubmission', () => {
  it('accepts a valid plan, sorted by worker id, with a parsable brief per worker', () => {
    const checked = checkPlanSubmission(
      submission([{ id: 'W2.1', depends_on: ['W1.1'] }, { id: 'W1.1' }]),
      { build: '7-x', issue: 7 },
    );
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value.plan.workers.map((w) => w.id)).toEqual(['W1.1', 'W2.1']);
    expect([...checked.value.briefs.values()].every((text) => parseBrief(text).ok)).toBe(true);
  });

  it.each([
    [
      'more than 60 workers',
      submission(Array.from({ length: 61 }, (_, i) => ({ id: `W1.${i + 1}` }))),
      'more than the 60 allowed',
    ],
    ['a duplicate id', submission([{ id: 'W1.1' }, { id: 'W1.1' }]), 'W1.1 is the id of 2 workers'],
    [
      'a dependency on the same wave',
      submission([{ id: 'W1.1' }, { id: 'W1.2', depends_on: ['W1.1'] }]),
      'a worker may depend only on earlier waves',
    ],
    [
      'a dependency on itself',
      submission([{ id: 'W1.1', depends_on: ['W1.1'] }]),
      'W1.1 depends on itself',
    ],
    [
      'an unknown dependency',
      submission([{ id: 'W1.1' }, { id: 'W2.1', depends_on: ['W1.5'] }]),
      'not in the plan',
    ],
    [
      'a brief over 32 KB',
      submission([{ id: 'W1.1', brief: `${BODY}${'x'.repeat(33 * 1024)}` }]),
      'more than the 32768 allowed',
    ],
    [
      'a brief without checkboxes',
      submission([{ id: 'W1.1', brief: '## Mission\n\nDo it.' }]),
      'no success criteria',
    ],
    [
      'a title too long for the plan',
      submission([{ id: 'W1.1', title: 'x'.repeat(121) }]),
      'plan.json workers[0].title (worker W1.1)',
    ],
  ])('refuses %s', (_name, input, problem) => {
    const checked = checkPlanSubmission(input, { build: '7-x', issue: 7 });
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.problems.join('\n')).toContain(problem);
  });
});

describe("checkPlanSubmission: the contract's worker", () => {
  const criteria = submission([
    { id: 'W1.1', criteria: ['GET /health answers 200'] },
    { id: 'W1.2' },
    { id: 'W2.1', depends_on: ['W1.1'] },
    { id: 'W3.1' },
  ]);
  const asked = { ...criteria, criteria: ['npm test passes'] };

  it('adds W0.1 with its brief where the plan has criteria, and makes every worker that would start first wait for it', () => {
    const checked = checkPlanSubmission(asked, { build: '7-x', issue: 7, contract: true });
    if (!checked.ok) throw new Error(checked.problems.join('\n'));
    const { plan, briefs } = checked.value;
    expect(plan.criteria).toEqual(['npm test passes']);
    expect(plan.workers.map((w) => [w.id, w.depends_on, w.contract])).toEqual([
      ['W0.1', [], true],
      ['W1.1', ['W0.1'], undefined],
      ['W1.2', ['W0.1'], undefined],
      ['W2.1', ['W1.1'], undefined],
      ['W3.1', ['W0.1'], undefined],
    ]);
    expect(plan.workers[0]?.title).toBe('Contract: checks for the acceptance criteria');
    expect(plan.workers[1]?.criteria).toEqual(['GET /health answers 200']);
    const brief = parseBrief(briefs.get('W0.1') ?? '');
    if (!brief.ok) throw new Error(brief.problems.join('; '));
    expect(brief.body).toContain('- `build:1` (the build): npm test passes');
    expect(brief.body).toContain('- `W1.1:1` (W1.1): GET /health answers 200');
    expect(brief.body).toContain('research or content build there is no contract');
  });

  it("keeps a guard criterion as the plan gives it, and the contract's brief says it holds already", () => {
    const guarded = {
      ...asked,
      criteria: ['npm test passes', { text: 'GET / still answers 200', guard: true as const }],
    };
    const checked = checkPlanSubmission(guarded, { build: '7-x', issue: 7, contract: true });
    if (!checked.ok) throw new Error(checked.problems.join('\n'));
    expect(checked.value.plan.criteria).toEqual(guarded.criteria);
    const brief = parseBrief(checked.value.briefs.get('W0.1') ?? '');
    if (!brief.ok) throw new Error(brief.problems.join('; '));
    expect(brief.body).toContain('- `build:1` (the build): npm test passes');
    expect(brief.body).toContain(
      '- `build:2` (the build), a guard: it holds already: GET / still answers 200',
    );
    expect(brief.body).toContain('A criterion marked a guard holds already');
  });

  it('adds no W0.1 where the configuration wants no contract, or the plan has no criteria', () => {
    const off = checkPlanSubmission(asked, { build: '7-x', issue: 7, contract: false });
    const none = checkPlanSubmission(submission([{ id: 'W1.1' }]), {
      build: '7-x',
      issue: 7,
      contract: true,
    });
    expect(off.ok && off.value.plan.workers.map((w) => w.id)).toEqual([
      'W1.1',
      'W1.2',
      'W2.1',
      'W3.1',
    ]);
    expect(none.ok && none.value.plan.workers.map((w) => w.id)).toEqual(['W1.1']);
  });

  it("gives a research build's workers their criteria as a checklist for the review, not a contract", () => {
    const checked = checkPlanSubmission(
      { ...asked, type: 'research' },
      { build: '7-x', issue: 7, contract: true, labelled: 'research' },
    );
    if (!checked.ok) throw new Error(checked.problems.join('\n'));
    expect(checked.value.plan.workers.map((w) => w.id)).not.toContain('W0.1');
    const brief = checked.value.briefs.get('W1.1') ?? '';
    expect(brief).toContain('## Acceptance criteria');
    expect(brief).toContain('- `W1.1:1`: GET /health answers 200');
    expect(brief).toContain('- `build:1`: npm test passes');
    expect(checked.value.briefs.get('W1.2')).not.toContain('W1.1:1');
  });

  it('refuses a W0.1 the model planned itself', () => {
    const checked = checkPlanSubmission(
      submission([{ id: 'W0.1' }, { id: 'W1.1', depends_on: ['W0.1'] }]),
      {
        build: '7-x',
        issue: 7,
        contract: true,
      },
    );
    expect(!checked.ok && checked.problems.join('\n')).toContain(
      "W0.1 is the contract's worker, which Baton adds itself",
    );
  });
});

describe("checkPlanSubmission: a change set's contracts", () => {
  // lib ← service ← client, the issue in acme/service.
  const repositories = { home: 'acme/service', others: ['acme/lib', 'acme/client'] };
  const set = {
    ...submission([
      { id: 'W1.1', repository: 'acme/lib', criteria: ['get answers 200'] },
      { id: 'W2.1', depends_on: ['W1.1'], criteria: ['the service calls get'] },
      { id: 'W2.2', depends_on: ['W1.1'] },
      { id: 'W3.1', depends_on: ['W2.1'], repository: 'Acme/Client' },
      { id: 'W4.1', depends_on: ['W3.1'], repository: 'acme/client' },
    ]),
    criteria: ['acme/client lists what acme/service answers'],
  };

  it('adds one contract per repository with criteria, in its repository, waited for by each worker there that waits on no other there', () => {
    const checked = checkPlanSubmission(set, {
      build: '7-x',
      issue: 7,
      contract: true,
      repositories,
    });
    if (!checked.ok) throw new Error(checked.problems.join('\n'));
    const { plan, briefs } = checked.value;
    expect(plan.workers.map((w) => [w.id, w.repository ?? 'home', w.depends_on])).toEqual([
      ['W0.1', 'acme/lib', []],
      ['W0.2', 'home', []],
      ['W0.3', 'acme/client', []],
      ['W1.1', 'acme/lib', ['W0.1']],
      ['W2.1', 'home', ['W0.2', 'W1.1']],
      ['W2.2', 'home', ['W0.2', 'W1.1']],
      ['W3.1', 'acme/client', ['W0.3', 'W2.1']],
      ['W4.1', 'acme/client', ['W3.1']],
    ]);
    const criteriaIn = (id: string) => {
      const brief = parseBrief(briefs.get(id) ?? '');
      if (!brief.ok) throw new Error(brief.problems.join('; '));
      return [...brief.body.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]);
    };
    expect(criteriaIn('W0.1')).toEqual(['W1.1:1']);
    expect(criteriaIn('W0.2')).toEqual(['W2.1:1']);
    expect(criteriaIn('W0.3')).toEqual(['build:1']);
    expect(briefs.get('W0.3')).toContain("Write acme/client's contract in this change set");
  });

  it('adds no contract for a repository none of whose criteria it holds', () => {
    const checked = checkPlanSubmission(
      { ...set, criteria: [] },
      { build: '7-x', issue: 7, contract: true, repositories },
    );
    if (!checked.ok) throw new Error(checked.problems.join('\n'));
    expect(
      checked.value.plan.workers
        .filter((w) => w.contract)
        .map((w) => [w.id, w.repository ?? 'home']),
    ).toEqual([
      ['W0.1', 'acme/lib'],
      ['W0.2', 'home'],
    ]);
    expect(checked.value.plan.workers.find((w) => w.id === 'W3.1')?.depends_on).toEqual(['W2.1']);
  });

  it('refuses a wave 0 worker the model planned itself', () => {
    const checked = checkPlanSubmission(
      submission([
        { id: 'W0.2', repository: 'acme/lib' },
        { id: 'W1.1', criteria: ['x'] },
      ]),
      { build: '7-x', issue: 7, contract: true, repositories },
    );
    expect(!checked.ok && checked.problems.join('\n')).toContain(
      "W0.2 is the contract's worker, which Baton adds itself",
    );
  });
});

describe('renderBriefFile', () => {
  it('writes front matter the brief parser reads back, quoting titles that need it', () => {
    const text = renderBriefFile(
      {
        id: 'W2.3',
        title: 'Fix: "quotes" # and colons',
        depends_on: ['W1.1', 'W1.2'],
        complexity: 'complex',
      },
      BODY,
    );
    const parsed = parseBrief(text);
    expect(parsed.ok && parsed.frontMatter).toEqual({
      worker_id: 'W2.3',
      title: 'Fix: "quotes" # and colons',
      wave: 2,
      depends_on: ['W1.1', 'W1.2'],
      complexity: 'complex',
    });
  });
});

describe('renderPlanMarkdown', () => {
  it('draws waves, workers, dependencies and links to the briefs', () => {
    const plan: Plan = {
      version: 1,
      build: '7-greeting',
      issue: 7,
      title: 'Greeting',
      summary: 'Text first, then the command.',
      workers: [
        { id: 'W1.1', title: 'Add the text | with a pipe', depends_on: [], complexity: 'easy' },
        { id: 'W2.1', title: 'Add the command', depends_on: ['W1.1'], complexity: 'normal' },
      ],
    };
    expect(renderPlanMarkdown(plan)).toMatchInlineSnapshot(`
      "# Plan: Greeting

      Build \`7-greeting\` for #7: 2 workers in 2 waves.

      Text first, then the command.

      ## Wave 1

      | Worker | Title | Depends on | Complexity | Brief |
      | --- | --- | --- | --- | --- |
      | W1.1 | Add the text \\| with a pipe | — | easy | [workers/W1.1.md](workers/W1.1.md) |

      ## Wave 2

      | Worker | Title | Depends on | Complexity | Brief |
      | --- | --- | --- | --- | --- |
      | W2.1 | Add the command | W1.1 | normal | [workers/W2.1.md](workers/W2.1.md) |

      ## Dependencies

      \`\`\`mermaid
      graph LR
        W1_1["W1.1"]
        W2_1["W2.1"]
        W1_1 --> W2_1
      \`\`\`
      "
    `);
  });
});
