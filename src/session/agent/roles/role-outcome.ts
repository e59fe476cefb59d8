import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Plan } from '../../../core/plan/plan.js';
import type { Completion } from '../../../core/records/completion.js';
import type { MessageReceipt, SessionLimit } from '../../../core/records/usage.js';
import type { BlockedConnections } from '../../../core/sessions/egress.js';
import type { ReviewResult, SynthesisResult, ValidationResult } from '../../result.js';
import type { GoneHead } from '../../review-head.js';

/** What a role hands back to runAgent, which adds the session's frame and usage. */
export interface RoleOutcome {
  status: 'complete' | 'partial' | 'blocked' | 'failed' | 'impossible';
  reason: string | null;
  /** The new head inside the bundle, or null when nothing was committed. */
  head: string | null;
  completion?: Completion | null;
  plan?: Plan | null;
  review?: ReviewResult | null;
  /** A review session that found Baton's review of the head posted already. */
  existingReview?: { id: number; commit_sha: string } | null;
  /** A review session whose pull request merged or closed, or whose head moved only by the branch's update. */
  goneHead?: GoneHead | null;
  synthesis?: SynthesisResult | null;
  validation?: ValidationResult | null;
  /** A validate session that found its milestone's record left by a twin run already. */
  existingValidation?: { ref: string } | null;
  /** A fix of a head's red checks that found its pull request moved past that head. */
  movedHead?: { asked: string; head: string } | null;
  /** A worker's first attempt that found its branch pushed by a twin run already. */
  twinWentFirst?: { branch: string } | null;
  /** The limit the session stopped at or wound down before, if one did. */
  limit?: SessionLimit | null;
  /** The messages (`/steer`, `/queue` comments) the session took in, at which turn. */
  messages?: MessageReceipt[];
  /** Connections of the model's commands the egress proxy refused. */
  blocked?: BlockedConnections[];
}

/** A role that ended without committing anything. */
export function failedOutcome(reason: string): RoleOutcome {
  return { status: 'failed', reason, head: null };
}

/** Whether a file exists in the checkout, for prompts that name paths. */
export async function existsIn(root: string, relative: string): Promise<boolean> {
  return access(path.join(root, relative)).then(
    () => true,
    () => false,
  );
}
