import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { createScriptedModel } from '../../sim/scenario/scripted-model.js';
import { contractPath } from '../../src/core/plan/contract.js';
import { validationRef } from '../../src/core/plan/validation.js';
import { completionPath, planPath } from '../../src/core/vocabulary/ids.js';
import {
  BUILD,
  buildRepo,
  planJson,
  promptOf,
  REPOSITORY,
  removeTempDirs,
  runSession,
  type SessionSpec,
} from './agent-fixtures.js';

afterEach(removeTempDirs);

/** A contract whose command is `command`, with one check of `W1.1:1`. */
function contractJson(command: string): string {
  return JSON.stringify({
    version: 1,
    command,
    files: ['test/contract.test.js'],
    checks: [{ criterion: 'W1.1:1', file: 'test/contract.test.js', name: 'greets by name' }],
  });
}

const VALIDATE = { BATON_ROLE: 'validate', BATON_WORKER: 'M1', BATON_ISSUE: '12' };

/** GitHub's listing of milestone 1's records (`refs/baton/<build>/validation/M1…`): none unless given. */
const RECORDS = `GET /repos/${REPOSITORY}/git/matching-refs/baton/${BUILD}/validation/M1`;
function recordRoutes(refs: string[] = []): Record<string, unknown> {
  return { [RECORDS]: refs.map((ref) => ({ ref, object: { sha: 'c'.repeat(40) } })) };
}

/** The build's checkout with its plan and a contract whose command is `command`, beside `files`. */
function contractRepo(command: string, files: Record<string, string> = {}) {
  return buildRepo({
    ...files,
    [planPath(BUILD)]: planJson(),
    [contractPath(BUILD)]: contractJson(command),
  });
}

/**
 * Milestone 1's validate session in `root`: GitHub lists `records` of it (none unless
 * given), and its dispatch asks for `head` when one is given.
 */
function validate(
  root: string,
  {
    records = [],
    head,
    ...spec
  }: Omit<SessionSpec, 'root'> & { records?: string[]; head?: string } = {},
) {
  return runSession({
    root,
    env: head ? { ...VALIDATE, BATON_TRIGGER: `head-${head}` } : VALIDATE,
    routes: recordRoutes(records),
    ...spec,
  });
}

describe('runAgent validate', () => {
  it('passes on the command exit status 0 and asks no model', async () => {
    const { root, base } = await contractRepo('echo all checks pass');
    const { code, result, requests } = await validate(root);
    expect(code).toBe(0);
    expect(requests).toEqual([]);
    expect(result).toMatchObject({
      role: 'validate',
      status: 'complete',
      head: null,
      validation: { milestone: 1, head: base, exit_code: 0, tail: '', failures: [] },
    });
  });

  it('keeps the exit status and the output, and takes only checks the contract names', async () => {
    const { root, base } = await contractRepo(
      'echo "FAIL greets by name: got Hello, undefined"; exit 3',
    );
    const { code, result, requests } = await validate(root, {
      replies: [
        reply(toolUse('submit_validation', { failures: [{ check: 'W9.9:1', brief: 'Nothing.' }] })),
        reply(
          toolUse('submit_validation', {
            failures: [{ check: 'W1.1:1', brief: 'greet() ignores the name it is given.' }],
          }),
        ),
      ],
    });
    expect(code).toBe(0);
    expect(result.validation).toEqual({
      milestone: 1,
      head: base,
      command: 'echo "FAIL greets by name: got Hello, undefined"; exit 3',
      exit_code: 3,
      tail: 'FAIL greets by name: got Hello, undefined\n[exit code 3]',
      failures: [{ check: 'W1.1:1', brief: 'greet() ignores the name it is given.' }],
      contract_commits: [base],
      report: 'the exit status decides: it runs no test runner Baton knows',
    });
    const prompt = promptOf(requests[0]!);
    expect(prompt).toContain('Validate milestone 1 of build');
    expect(prompt).toContain('- W1.1:1: `greets by name` in `test/contract.test.js`');
    expect(prompt).toContain('FAIL greets by name');
    expect(JSON.stringify(requests[1]?.body.messages.at(-1))).toContain(
      "W9.9:1 is not a criterion of the contract's checks (W1.1:1)",
    );
  });

  it("tells the model a skipped worker's criterion is not due, and only a skipped one's", async () => {
    const plan = planJson({
      workers: [
        { id: 'W1.1', title: 'Greeting' },
        { id: 'W1.2', title: 'Lint workflow' },
      ],
    });
    const contract = JSON.stringify({
      version: 1,
      command: 'echo "not ok - lints the code"; exit 1',
      files: ['test/contract.test.js'],
      checks: [
        { criterion: 'W1.1:1', file: 'test/contract.test.js', name: 'greets by name' },
        { criterion: 'W1.2:1', file: 'test/contract.test.js', name: 'lints the code' },
      ],
    });
    // W1.1 merged: its report came with its pull request; W1.2 has none, as it was skipped.
    const { root } = await buildRepo({
      [planPath(BUILD)]: plan,
      [contractPath(BUILD)]: contract,
      [completionPath(BUILD, 'W1.1')]: '{}',
    });
    const { code, requests } = await validate(root, {
      replies: [
        reply(
          toolUse('submit_validation', {
            failures: [{ check: 'W1.2:1', brief: 'The lint workflow is not there.' }],
          }),
        ),
      ],
    });
    expect(code).toBe(0);
    const prompt = promptOf(requests[0]!);
    expect(prompt).toContain('Not due: W1.2:1, as a person skipped their workers');
    expect(prompt).not.toContain('Not due: W1.1:1');
  });

  it('fails without a contract to run, before any model call', async () => {
    const { root } = await buildRepo({ [planPath(BUILD)]: planJson() });
    const { code, result, requests } = await validate(root);
    expect(code).toBe(1);
    expect(requests).toEqual([]);
    expect(result.reason).toContain(`${contractPath(BUILD)} is missing`);
  });

  it("is played by the scripted model: it reads the contract, then names the scenario's failing checks", async () => {
    const { root } = await contractRepo('echo "FAIL greets by name"; exit 1');
    const model = createScriptedModel({
      plan: { title: 'Greet', summary: 'One worker greets.' },
      workers: [],
      validation: { 1: [{ check: 'W1.1:1', brief: 'greet() ignores the name.' }] },
    });
    const { code, result } = await validate(root, {
      respond: model,
    });
    expect(model.problems).toEqual([]);
    expect(code).toBe(0);
    expect(result.validation?.failures).toEqual([
      { check: 'W1.1:1', brief: 'greet() ignores the name.' },
    ]);
    expect(model.sessions).toMatchObject([{ role: 'validate', turns: 2 }]);
  });

  it("runs on verification.validation.model, not the reviews' model, where the config names one", async () => {
    const { root } = await contractRepo('exit 1', {
      '.github/baton.yml': 'verification:\n  validation:\n    model: claude-opus-5-5\n',
    });
    const { code, requests } = await validate(root, {
      replies: [
        reply(
          toolUse('submit_validation', { failures: [{ check: 'command', brief: 'It exits 1.' }] }),
        ),
      ],
    });
    expect(code).toBe(0);
    expect(requests.map((request) => request.body.model)).toEqual(['claude-opus-5-5']);
  });

  it.each([
    ['the head its dispatch asked for', 'asked'],
    ['the head it checked out', 'base'],
  ] as const)(
    'ends at once when a twin run recorded the milestone at %s: runs no command, asks no model',
    async (_name, at) => {
      // Were it run, the command would leave this file; were the model asked, the script has no reply.
      const { root, base } = await contractRepo('touch ran-the-contract; exit 1');
      const asked = 'a'.repeat(40);
      const recorded = validationRef(BUILD, 1, at === 'asked' ? asked : base);
      const { code, result, requests, githubRequests } = await validate(root, {
        head: asked,
        // M10's record, and M1's at another head, do not stand for it.
        records: [
          validationRef(BUILD, 10, base),
          validationRef(BUILD, 1, 'b'.repeat(40)),
          recorded,
        ],
      });
      expect(code).toBe(0);
      expect(requests).toEqual([]);
      expect(githubRequests).toContain(RECORDS);
      expect(existsSync(path.join(root, 'ran-the-contract'))).toBe(false);
      expect(result).toMatchObject({
        role: 'validate',
        status: 'complete',
        validation: null,
        existing_validation: { ref: recorded },
      });
      expect(result.usage.input_tokens).toBe(0);
    },
  );

  it('validates when only another head’s or another milestone’s record is there', async () => {
    const { root, base } = await contractRepo('echo all checks pass');
    const { code, result } = await validate(root, {
      head: base,
      records: [validationRef(BUILD, 10, base), validationRef(BUILD, 1, 'b'.repeat(40))],
    });
    expect(code).toBe(0);
    expect(result).toMatchObject({
      existing_validation: null,
      validation: { milestone: 1, head: base, exit_code: 0 },
    });
  });
});
