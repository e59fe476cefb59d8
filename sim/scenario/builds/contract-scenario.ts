import { CONTRACT_WORKER } from '../../../src/core/plan/contract.js';
import type { Scenario, ScenarioWorker } from '../scenario.js';
import { diamondScenario } from './greeting-scenario.js';

/** Where the contract's checks live, beside the project's own tests. */
const CHECKS = 'test/contract/criteria.test.js';

/**
 * A check of one criterion as node:test writes it: expected to fail (`todo`,
 * naming the criterion) until its worker delivers, so the suite stays green;
 * the module is imported inside the test, as it does not exist yet.
 */
function check(criterion: string, name: string, body: string): string {
  return `test(${JSON.stringify(name)}, { todo: ${JSON.stringify(criterion)} }, async () => {\n${body}\n});\n`;
}

/** The contract's worker of the diamond: one check per criterion the plan names. */
function contractWorker(): ScenarioWorker {
  return {
    id: CONTRACT_WORKER,
    title: 'Contract: checks for the acceptance criteria',
    mission: "Write the build's contract.",
    context: 'Written by the plan session.',
    requirements: [],
    criteria: [],
    files: {
      [CHECKS]: [
        "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\n",
        check(
          'W1.1:1',
          'greets Ada',
          "  const { greeting } = await import('../../src/greeting.js');\n  assert.equal(greeting('Ada'), 'Hello, Ada!');",
        ),
        check(
          'W1.2:1',
          'says goodbye to Ada',
          "  const { farewell } = await import('../../src/farewell.js');\n  assert.equal(farewell('Ada'), 'Goodbye, Ada.');",
        ),
        check(
          'W2.1:1',
          'greets Ada from the command line',
          "  const { run } = await import('../../src/cli.js');\n  assert.equal(run(['greet', 'Ada']), 'Hello, Ada!');",
        ),
      ].join('\n'),
    },
    check: `node --test --test-reporter=tap ${CHECKS}`,
    summary:
      'One check per criterion in `test/contract/criteria.test.js`, each failing until its worker delivers.',
    contract: {
      checks: [
        { criterion: 'W1.1:1', file: CHECKS, name: 'greets Ada' },
        { criterion: 'W1.2:1', file: CHECKS, name: 'says goodbye to Ada' },
        { criterion: 'W2.1:1', file: CHECKS, name: 'greets Ada from the command line' },
      ],
      unchecked: [
        { criterion: 'W1.1:2', why: 'the worker’s own test is its to write' },
        { criterion: 'W1.2:2', why: 'the worker’s own test is its to write' },
        { criterion: 'W2.1:2', why: 'the worker’s own test is its to write' },
      ],
    },
  };
}

/**
 * The diamond with acceptance criteria: the planner hands in each worker's
 * criteria, the plan session's code adds W0.1, the contract session writes
 * its checks, and every worker waits for the contract to merge.
 */
export function contractScenario(): Scenario {
  const base = diamondScenario();
  return { ...base, workers: [contractWorker(), ...base.workers] };
}
