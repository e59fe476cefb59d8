/**
 * Merge autonomy by risk (docs/verification.md): a worker's pull request whose
 * evidence for its head shows a class of `verification.autonomy.waitFor` (or
 * `memory`, which always waits) is not Baton's to merge alone. It waits until a person who may steer the build
 * approves that head, or replies `/merge W<id>`. A head with no evidence for it
 * goes on as read only where a person pushed it (the person who pushed has read
 * it); one a bot, an app or a workflow's token pushed, or whose evidence was
 * edited away by anyone but Baton (src/github/observe/read-pulls.ts), waits for a person.
 */
import type { RiskClass, VerificationSettings } from '../config/verification-settings.js';
import { workHeads } from '../snapshot/pull-verdict.js';
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
  /** Why it waits besides its classes, in words (its evidence cannot name every risky file …). */
  why?: string[];
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
  if (risk.evidence !== 'current') return unreadHead(pull);
  const waitFor = waitingClasses(settings);
  const classes = risk.classes.filter((one) => waitFor.has(one));
  // Evidence that could not name every file publish classed hides paths no one has judged here.
  const why = risk.unnamedRisky ? [unnamedText(risk.unnamedRisky)] : [];
  if ((classes.length === 0 && why.length === 0) || approvedByPerson(pull)) return null;
  return {
    worker: pull.worker,
    head: pull.headSha,
    classes,
    files: risk.files.filter((file) => file.classes.some((one) => waitFor.has(one))),
    ...(why.length > 0 ? { why } : {}),
  };
}

/**
 * A person's approval of the head. Only reviews by people who may steer the
 * build (write, maintain or admin, asked of GitHub when the build was read:
 * src/github/observe/read-pulls.ts) carry a verdict; anyone else's, on a
 * public repository anyone may review, reads as a comment.
 */
export function approvedByPerson(pull: PullInfo): boolean {
  const heads = workHeads(pull);
  return pull.reviews.some(
    (review) => !review.byBaton && review.verdict === 'approve' && heads.has(review.commitSha),
  );
}

/** Why a wait is: its classes' words, then its other reasons. */
export function waitReasons(wait: Pick<AutonomyWait, 'classes' | 'why'>): string[] {
  return [...wait.classes.map(riskText), ...(wait.why ?? [])];
}

/** The row's note: `waits for a person: changes a workflow, changes dependencies`. */
export function waitNote(wait: Pick<AutonomyWait, 'classes' | 'why'>): string {
  return `waits for a person: ${waitReasons(wait).join(', ')}`;
}

/**
 * A head no evidence speaks for: read where a person pushed it, else it waits for one.
 * Who pushed it is read only for an open pull request (`headPusher`); none read, none judged.
 */
function unreadHead(pull: PullInfo): AutonomyWait | null {
  const pusher = pull.headPusher;
  if (!pusher || pusher.person || approvedByPerson(pull)) return null;
  const who =
    pusher.login === null
      ? 'GitHub lists no push of it'
      : `${pusher.login} pushed it, not a person`;
  return {
    worker: pull.worker,
    head: pull.headSha,
    classes: [],
    files: [],
    why: [`its head has no evidence, and ${who}`],
  };
}

function unnamedText(count: number): string {
  return `its evidence cannot name ${count === 1 ? 'a risky file' : `${count} risky files`}`;
}
