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
