import { describe, expect, it } from 'vitest';
import { buildLabels, buildTypeOfLabels, labelOfType } from '../../src/core/config/build-labels.js';
import { defaultConfig, parseConfig } from '../../src/core/config/config.js';
import type { BuildType } from '../../src/core/plan/plan.js';
import {
  checkPlanSubmission,
  type PlanSubmission,
} from '../../src/session/agent/plan/plan-submission.js';
import { renderPlanPrompt } from '../../src/session/agent/prompts/plan-prompt.js';

const BODY = '## Mission\n\nFind out.\n\n## Success criteria\n\n- [ ] answered\n';

function submission(overrides: Partial<PlanSubmission> = {}, outputs?: string[]): PlanSubmission {
  return {
    title: 'Which providers',
    summary: 'Two questions.',
    workers: [
      {
        id: 'W1.1',
        title: 'Users',
        depends_on: [],
        complexity: 'normal',
        brief: BODY,
        ...(outputs ? { outputs } : {}),
      },
    ],
    ...overrides,
  };
}

function check(input: PlanSubmission, labelled: BuildType) {
  return checkPlanSubmission(input, { build: '7-x', issue: 7, labelled });
}

describe('build labels', () => {
  const config = defaultConfig();

  it('starts a build on the plain label and on each type label', () => {
    expect(buildLabels(config)).toEqual([
      'orchestrate',
      'orchestrate:research',
      'orchestrate:content',
    ]);
  });

  it.each([
    [['orchestrate'], 'code'],
    [['bug', 'orchestrate:research'], 'research'],
    [['orchestrate:content'], 'content'],
    [['orchestrate:content', 'orchestrate:research'], 'research'],
  ] as const)('reads %j as a %s build', (labels, type) => {
    expect(buildTypeOfLabels(config, [...labels])).toBe(type);
    expect(labelOfType(config, type)).toBe(type === 'code' ? 'orchestrate' : `orchestrate:${type}`);
  });

  it('takes the type labels from .github/baton.yml', () => {
    const parsed = parseConfig({ types: { research: 'study' } });
    if (!parsed.ok) throw new Error('config refused');
    expect(buildTypeOfLabels(parsed.config, ['study'])).toBe('research');
    expect(buildLabels(parsed.config)).toContain('study');
    expect(parseConfig({ types: { essay: 'x' } }).ok).toBe(false);
  });
});

describe('the build type in a submitted plan', () => {
  it('writes the type a research label asks for, even when the plan leaves it out', () => {
    const checked = check(submission(), 'research');
    expect(checked.ok && checked.value.plan.type).toBe('research');
  });

  it('refuses a type other than the one the label asks for', () => {
    const checked = check(submission({ type: 'code' }), 'research');
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.problems).toContain(
      "the issue's label asks for a research build, not code: leave type out or set it to research",
    );
  });

  it('lets the plan choose the type under the plain label', () => {
    const checked = check(submission({ type: 'research' }), 'code');
    expect(checked.ok && checked.value.plan.type).toBe('research');
  });

  it('keeps a code plan as it was, without a type field', () => {
    const checked = check(submission(), 'code');
    expect(checked.ok && 'type' in checked.value.plan).toBe(false);
  });

  it('needs outputs for every worker of a content build, and keeps them', () => {
    const missing = check(submission(), 'content');
    expect(!missing.ok && missing.problems).toContain(
      'W1.1 has no outputs: in a content build each worker lists the files it writes',
    );
    const given = check(submission({}, ['docs/guide.md']), 'content');
    expect(given.ok && given.value.plan.workers[0]?.outputs).toEqual(['docs/guide.md']);
  });
});

describe('the plan prompt', () => {
  const prompt = (labelled: BuildType) =>
    renderPlanPrompt({
      build: '7-x',
      repository: 'acme/app',
      issue: { number: 7, title: 'Providers', body: 'Which?' },
      feedback: null,
      skill: { path: '.baton/skills/plan.md', present: true },
      previousPlan: null,
      buildDir: '.baton/builds/7-x',
      labelled,
    });

  it('tells a research plan where each worker writes its findings', () => {
    expect(prompt('research')).toContain('set type to research');
    expect(prompt('research')).toContain('.baton/builds/7-x/findings/<id>.md');
  });

  it('tells a content plan to list outputs', () => {
    expect(prompt('content')).toContain('set type to content');
    expect(prompt('content')).toContain('outputs');
  });
});
