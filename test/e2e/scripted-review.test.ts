import { describe, expect, it } from 'vitest';
import type { FakeBlock } from '../../sim/fake-anthropic.js';
import { diamondScenario } from '../../sim/scenario/builds/greeting-scenario.js';
import type { SessionRequest } from '../../sim/scenario/read-request.js';
import { reviewTurn } from '../../sim/scenario/turns/review-turns.js';

const PATH = 'src/greeting.js';
const scenario = diamondScenario({ reviewChanges: true });

/** The second turn of W1.1's review `ordinal`, having read `patch` of its greeting. */
function verdictOf(ordinal: number, patch: string): unknown {
  const request: SessionRequest = {
    key: `review-${ordinal}`,
    role: 'review',
    build: '1-greet',
    worker: 'W1.1',
    pr: 2,
    issue: 1,
    trigger: 'none',
    paths: { skill: null, brief: null, dependencies: [], earlierReport: null },
    conflicts: [],
    inline: [],
    subIssues: {},
    changed: [PATH],
    loop: null,
    milestone: null,
    adapt: null,
    turn: 1,
    last: [{ name: 'get_diff', input: { path: PATH }, result: patch, isError: false }],
    all: [],
    said: '',
  };
  let id = 0;
  const call = (name: string, input: Record<string, unknown>): FakeBlock =>
    ({ type: 'tool_use', id: `call-${++id}`, name, input }) as FakeBlock;
  const answer = reviewTurn({ scenario, request, ordinal, call });
  if (!('blocks' in answer)) throw new Error(JSON.stringify(answer));
  const submit = answer.blocks.find((block) => 'name' in block && block.name === 'submit_review');
  return (submit as { input: { verdict: string } } | undefined)?.input.verdict;
}

const patchOf = (...lines: string[]) =>
  ['@@ -0,0 +1,3 @@', ...lines.map((line) => `+${line}`)].join('\n');

// biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under review
const UNFIXED = patchOf('export function greeting(name) {', '  return `Hello, ${name}!`;', '}');
const FIXED = patchOf(
  'export function greeting(name) {',
  "  const who = name.trim() || 'there';",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under review
  '  return `Hello, ${who}!`;',
  '}',
);

describe('the scripted reviewer', () => {
  it('asks for its change in the first round', () => {
    expect(verdictOf(1, UNFIXED)).toBe('changes-requested');
  });

  it('asks again when a later round still reads the code without it (a conflict fix came first)', () => {
    expect(verdictOf(2, UNFIXED)).toBe('changes-requested');
  });

  it('approves once the change is made', () => {
    expect(verdictOf(2, FIXED)).toBe('approve');
  });
});
