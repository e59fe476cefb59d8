import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeReply, lastToolResults, reply, toolUse } from '../../sim/fake-anthropic.js';
import { createScriptedModel } from '../../sim/scenario/scripted-model.js';
import { Contract, contractPath } from '../../src/core/plan/contract.js';
import { completionPath, planPath } from '../../src/core/vocabulary/ids.js';
import {
  BUILD,
  briefFile,
  gitIn,
  planJson,
  promptText,
  removeTempDirs,
  runSession,
  workerRepo,
} from './agent-fixtures.js';

/** A plan with two criteria: the build's own and W1.1's. */
const PLAN = planJson({
  criteria: ['npm test passes'],
  workers: [
    { id: 'W0.1', title: 'Contract: checks for the acceptance criteria', contract: true },
    {
      id: 'W1.1',
      title: 'Greeting',
      depends_on: ['W0.1'],
      criteria: ['greet() returns "hello"'],
    },
  ],
});

const CHECK =
  "import { greet } from '../src/greet.js';\ntest('greets', () => expect(greet()).toBe('hello'));\n";

function contractRepo(files: Record<string, string> = {}) {
  return workerRepo({
    worker: 'W0.1',
    brief: briefFile({ worker: 'W0.1' }),
    files: { 'README.md': '# demo\n', [planPath(BUILD)]: PLAN, ...files },
  });
}

const writesCheck = reply(
  toolUse('str_replace_based_edit_tool', {
    command: 'create',
    path: 'test/greet.test.js',
    file_text: CHECK,
  }),
);

function submits(contract: Record<string, unknown> | undefined): FakeReply {
  return reply(
    toolUse('submit_contract', {
      status: 'complete',
      summary: 'One check per criterion.',
      artifacts: ['test/greet.test.js'],
      ...(contract ? { contract } : {}),
    }),
  );
}

const CONTRACT = {
  command: 'node --test test/',
  files: ['test/greet.test.js'],
  checks: [{ criterion: 'W1.1:1', file: 'test/greet.test.js', name: 'greets' }],
  unchecked: [{ criterion: 'build:1', why: 'the whole suite is the build’s, not one check' }],
};

afterEach(removeTempDirs);

describe('runAgent contract', () => {
  it('is asked for a check of every criterion by id, and commits the checks with contract.json and its report', async () => {
    const { root, base } = await contractRepo();
    const { code, result, requests } = await runSession({
      root,
      env: { BATON_ROLE: 'contract', BATON_WORKER: 'W0.1' },
      replies: [writesCheck, submits(CONTRACT)],
    });
    expect(code).toBe(0);
    expect(result).toMatchObject({
      role: 'contract',
      status: 'complete',
      worker: 'W0.1',
      base,
      branch: `baton/${BUILD}/W0.1`,
    });
    const prompt = promptText(requests[0]!);
    expect(prompt).toContain("You write the build's contract");
    expect(prompt).toContain('- build:1: npm test passes');
    expect(prompt).toContain('- W1.1:1: greet() returns "hello"');
    expect(prompt).toContain('submit_contract');
    expect(gitIn(root, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(
      [completionPath(BUILD, 'W0.1'), contractPath(BUILD), 'test/greet.test.js'].sort(),
    );
    const committed = Contract.parse(
      JSON.parse(gitIn(root, 'show', `HEAD:${contractPath(BUILD)}`)),
    );
    expect(committed).toEqual({ version: 1, ...CONTRACT });
    expect(result.completion?.worker_id).toBe('W0.1');
  });

  it.each<[string, Record<string, unknown> | undefined, string]>([
    ['no contract with status complete', undefined, 'status complete needs the contract'],
    [
      'a criterion neither checked nor unchecked',
      { ...CONTRACT, unchecked: [] },
      'build:1 has no check',
    ],
    [
      'a criterion the plan does not have',
      {
        ...CONTRACT,
        checks: [
          ...CONTRACT.checks,
          { criterion: 'W1.1:2', file: 'test/greet.test.js', name: 'x' },
        ],
      },
      'W1.1:2 is not a criterion of the plan',
    ],
    [
      'a check file that is not in the repository',
      { ...CONTRACT, files: ['test/greet.test.js', 'test/missing.test.js'] },
      'test/missing.test.js is not in the repository',
    ],
    [
      'a check in a file the contract does not list',
      {
        ...CONTRACT,
        checks: [{ criterion: 'W1.1:1', file: 'test/other.test.js', name: 'greets' }],
      },
      'which "files" does not list',
    ],
    ['a command that cannot fail', { ...CONTRACT, command: 'true' }, 'runs no test runner'],
    [
      'a command whose failure `|| true` hides',
      { ...CONTRACT, command: 'node --test test/ || true' },
      'lets what follows `||` decide',
    ],
    [
      'a command that exits 0 after the checks',
      { ...CONTRACT, command: 'node --test test/; exit 0' },
      'exits 0 whatever the checks do',
    ],
    [
      "a command that runs no test on the contract's files",
      { ...CONTRACT, command: 'node --test src/' },
      'runs no test on test/greet.test.js',
    ],
  ])('refuses %s and lets the model correct it', async (_name, contract, problem) => {
    const { root } = await contractRepo();
    const { code, result, requests } = await runSession({
      root,
      env: { BATON_ROLE: 'contract', BATON_WORKER: 'W0.1' },
      replies: [writesCheck, submits(contract), submits(CONTRACT)],
    });
    expect(String(lastToolResults(requests[2]!)[0]?.content)).toContain(problem);
    expect(code).toBe(0);
    expect(result.status).toBe('complete');
  });

  it('hands in impossible with no contract for a criterion no check can prove, played by the scripted model', async () => {
    const { root } = await contractRepo();
    const impossible = {
      criteria: ['W1.1:1'],
      reason: 'greet() must return "hello" and the brief forbids any string output.',
      evidence: ['the brief: no string output'],
    };
    const model = createScriptedModel({
      plan: { title: 'Greet', summary: 'One worker greets.' },
      workers: [
        {
          id: 'W0.1',
          title: 'Contract: checks for the acceptance criteria',
          mission: 'Write the checks.',
          context: '',
          requirements: [],
          criteria: [],
          files: { 'test/greet.test.js': CHECK },
          check: 'node --test test/',
          summary: 'One check per criterion.',
          contract: { checks: [] },
          failures: ['impossible'],
          impossible,
        },
      ],
    });
    const { code, result } = await runSession({
      root,
      env: { BATON_ROLE: 'contract', BATON_WORKER: 'W0.1' },
      respond: model,
    });
    expect(model.problems).toEqual([]);
    expect(code).toBe(0);
    expect(result).toMatchObject({
      role: 'contract',
      status: 'impossible',
      reason: impossible.reason,
    });
    expect(result.completion?.impossible?.criteria).toEqual(['W1.1:1']);
    expect(existsSync(path.join(root, contractPath(BUILD)))).toBe(false);
  });

  it("is not held to the repository's tests passing: its checks fail until the workers write the code", async () => {
    const failing = JSON.stringify({ scripts: { test: 'node -e "process.exit(1)"' } });
    const { root } = await contractRepo({ 'package.json': failing });
    const { code, result, requests } = await runSession({
      root,
      env: { BATON_ROLE: 'contract', BATON_WORKER: 'W0.1' },
      replies: [writesCheck, submits(CONTRACT)],
    });
    expect(requests).toHaveLength(2);
    expect(code).toBe(0);
    expect(result.status).toBe('complete');
    expect(result.completion?.tests?.status).toBe('not-run');
  });
});
