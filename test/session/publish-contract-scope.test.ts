import { describe, expect, it } from 'vitest';
import { contractPath } from '../../src/core/plan/contract.js';
import { briefPath, completionPath, planPath } from '../../src/core/vocabulary/ids.js';
import { checkChanges } from '../../src/session/publish/checks/check-changes.js';
import type { SessionTarget } from '../../src/session/publish/checks/check-result.js';
import { BUILD } from './publish/fixture.js';

function contractTarget(overrides: Partial<SessionTarget> = {}): SessionTarget {
  return {
    role: 'contract',
    build: BUILD,
    worker: 'W0.1',
    pr: null,
    branch: `baton/${BUILD}/W0.1`,
    ...overrides,
  };
}

const fix = contractTarget({ role: 'fix', pr: 9 });

function problemsOf(target: SessionTarget, path: string, allowWorkflowChanges = false): string[] {
  return checkChanges({ target, changes: [{ path, size: 10 }], allowWorkflowChanges });
}

describe("what the contract's worker may write", () => {
  it.each([
    'test/greet.test.js',
    'tests/test_greet.py',
    'test_greet.py',
    'conftest.py',
    'src/greet_test.go',
    'src/greet.test.ts',
    'spec/greet_spec.rb',
    'app/__tests__/greet.js',
    'test/fixtures/greeting.json',
    'src/test/java/GreetTest.java',
    contractPath(BUILD),
    completionPath(BUILD, 'W0.1'),
  ])('writes %s', (path) => {
    expect(problemsOf(contractTarget(), path)).toEqual([]);
    expect(problemsOf(fix, path)).toEqual([]);
  });

  it.each([
    ['the code under test', 'src/greet.js', 'is not a test file'],
    ['a manifest', 'package.json', 'is not a test file'],
    ['a workflow, even where workflows may change', '.github/workflows/ci.yml', '.github/'],
    ["Baton's settings", '.github/baton.yml', "holds Baton's settings"],
    ['another file under .github', '.github/CODEOWNERS', '.github/'],
    ['a skill', '.baton/skills/worker.md', 'under .baton/'],
    ['the plan', planPath(BUILD), 'under .baton/'],
    ['a brief', briefPath(BUILD, 'W1.1'), 'under .baton/'],
    ["a worker's completion", completionPath(BUILD, 'W1.1'), 'under .baton/'],
  ])('never writes %s', (_name, path, problem) => {
    for (const target of [contractTarget(), fix]) {
      expect(problemsOf(target, path, true)).toEqual([expect.stringContaining(problem)]);
    }
  });

  it("holds only the contract's worker to it: another worker writes code", () => {
    const work = contractTarget({ role: 'work', worker: 'W1.1', branch: `baton/${BUILD}/W1.1` });
    expect(problemsOf(work, 'src/greet.js')).toEqual([]);
  });
});
