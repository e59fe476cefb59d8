/**
 * The attack corpus (docs/verification.md, "The attack corpus"): every
 * attack on the proof found so far, each played through the real publish and
 * the real validation by `playAttack`. An attack found is one more entry in
 * the file of its kind.
 */
import type { Attack } from '../play-attack.js';
import { EARLIER } from './earlier.js';
import { SEAL_AND_VOTES } from './seal-and-votes.js';
import { WHAT_CHECKS_READ } from './what-checks-read.js';
import { WHAT_RUNS } from './what-runs.js';

export const ATTACKS: readonly Attack[] = [
  ...WHAT_RUNS,
  ...WHAT_CHECKS_READ,
  ...SEAL_AND_VOTES,
  ...EARLIER,
];

/**
 * The attacks CI plays (test/attacks/attacks.test.ts), beside the controls: a
 * play costs seconds of CPU, so the whole corpus is a bench part
 * (`npm run bench -- attacks`). Each class (what runs the checks, what they
 * read, the seal, the checked code voting, the last round's) and each runner
 * is here at least once, refused at publish and not proven both.
 */
const IN_CI = [
  'a committed node_modules/.bin/node that npm test runs in node’s place (node:test)',
  'a tests/pytest.ini, read before the root’s settings, loading a plugin that passes every test',
  'a lock entry’s resolved swapping the runner, package.json untouched',
  'the check’s import pointed at a double in a new test file (Vitest)',
  'the workspace package the check takes its helper from, made to agree with the wrong code',
  'a push emptying seal.json beside a pyproject.toml that loads a plugin',
  'a push emptying seal.json beside a pytest plugin, then a push putting back seal.json alone (its revert in part)',
  'greet returning an object whose asymmetricMatch is () => true, which passes any toEqual',
  'a module of the code under test replacing node:assert’s equal',
  'code that answers right only when process.argv names Vitest',
  'code that answers right only when process.argv names Vitest, where the exit status decides',
  'a Go check’s if rewritten as a tautology',
];

export const CI_ATTACKS: readonly Attack[] = IN_CI.map((name) => {
  const attack = ATTACKS.find((each) => each.name === name);
  if (!attack) throw new Error(`the corpus has no attack named ${JSON.stringify(name)}`);
  return attack;
});
