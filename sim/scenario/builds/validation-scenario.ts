import type { Scenario } from '../scenario.js';
import { diamondScenario } from './greeting-scenario.js';

/**
 * The build's contract, as the contract worker would leave it on the build
 * branch (docs/verification.md): its command fails once the command line
 * exists (W2.1's `src/cli.js`) without `src/fixed.js`, so milestone 1 passes,
 * milestone 2 fails on W2.1's check and milestone 3 passes once the fix
 * worker wrote the file.
 */
export const VALIDATION_CONTRACT = {
  version: 1,
  command:
    'sh -c \'if [ -f src/cli.js ] && [ ! -f src/fixed.js ]; then echo "FAIL cli › greets"; exit 1; fi; echo ok\'',
  files: ['test/cli.test.js'],
  checks: [
    { criterion: 'W1.1:1', file: 'test/greeting.test.js', name: 'greets by name' },
    { criterion: 'W2.1:1', file: 'test/cli.test.js', name: 'cli › greets' },
  ],
  unchecked: [],
};

/**
 * The diamond with a contract: milestone 2's validation names W2.1's check as
 * failing, and the fix worker publish adds for it (W3.1) writes `src/fixed.js`.
 */
export function validationScenario(): Scenario {
  const base = diamondScenario();
  return {
    ...base,
    workers: [
      ...base.workers,
      {
        id: 'W3.1',
        fix: 2,
        title: 'Fix: W2.1:1 fails',
        depends_on: ['W2.1'],
        mission: 'Make the check of W2.1:1 pass.',
        context: 'The validation of milestone 2 found it failing.',
        requirements: ['`src/fixed.js` exists.'],
        criteria: ['the contract passes'],
        files: { 'src/fixed.js': 'export const fixed = true;\n' },
        check: 'test -f src/fixed.js',
        summary: 'Added `src/fixed.js`, which the check of W2.1:1 needed.',
      },
    ],
    validation: {
      2: [{ check: 'W2.1:1', brief: 'The command line greets, but `src/fixed.js` is missing.' }],
    },
  };
}
