/**
 * Merge autonomy by risk (docs/verification.md): a worker's pull request whose
 * evidence for its head shows a class of `verification.autonomy.waitFor` (or
 * `memory`, which always waits) is
 * not Baton's to merge alone. It waits until a person who may steer the build
 * approves that head, or replies `/merge W<id>`. A head with no evidence (a
 * person pushed it) is judged as before: the person who pushed has read it.
 */
import type { RiskClass, VerificationSettings } from '../config/verification-settings.js';
import type { PullInfo } from '../snapshot/snapshot.js';
import {
  type ContractVetting,
  judgeRisk,
  type RiskyFile,
  riskText,
  waitingClasses,
} from './risk.js';

/** Why a worker's pull request waits for a person. */
export interface AutonomyWait {
  worker: string;
  head: string;
  /** The classes of `waitFor` its evidence shows, worst first. */
  classes: RiskClass[];
  /** Its files of those classes, the most lines first. */
  files: RiskyFile[];
}

/**
 * What holds a pull request for a person, or null: its evidence for the head
 * shows a class the settings wait for, and no person has approved that head.
 */
export function autonomyWait(
  pull: PullInfo,
  settings: VerificationSettings,
  vetting: { contract: ContractVetting | null },
): AutonomyWait | null {
  const risk = judgeRisk(pull, settings, vetting);
  if (risk.evidence !== 'current') return null;
  const waitFor = waitingClasses(settings);
  const classes = risk.classes.filter((one) => waitFor.has(one));
  if (classes.length === 0 || approvedByPerson(pull)) return null;
  return {
    worker: pull.worker,
    head: pull.headSha,
    classes,
    files: risk.files.filter((file) => file.classes.some((one) => waitFor.has(one))),
  };
}

/**
 * A person's approval of the head. Only reviews by people who may steer the
 * build (write, maintain or admin, asked of GitHub when the build was read:
 * src/github/observe/read-pulls.ts) carry a verdict; anyone else's, on a
 * public repository anyone may review, reads as a comment.
 */
export function approvedByPerson(pull: PullInfo): boolean {
  const heads = new Set([pull.headSha, pull.baseMergeOf ?? pull.headSha]);
  return pull.reviews.some(
    (review) => !review.byBaton && review.verdict === 'approve' && heads.has(review.commitSha),
  );
}

/** The row's note: `waits for a person: changes a workflow, changes dependencies`. */
export function waitNote(wait: Pick<AutonomyWait, 'classes'>): string {
  return `waits for a person: ${wait.classes.map(riskText).join(', ')}`;
}
