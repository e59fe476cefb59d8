import { z } from 'zod';
import { WorkerId } from '../plan/plan.js';
import { parseRecordMessage, recordsOf, renderRecordMessage } from '../plan/record-message.js';

/** The first line of an adaptation record's commit message; the JSON follows after a blank line. */
const ADAPTATION_HEADER = 'baton adaptation';

/**
 * What an adapt session changed, written by its publish job (no model) after
 * it pushed the revised briefs to the build branch: the message of a commit
 * that the hidden ref `refs/baton/<build>/adapt/<source>` points at. The app
 * reads only ids and commits from it, never a brief.
 */
export const AdaptationRecord = z.strictObject({
  version: z.literal(1),
  /** The merged worker whose completion named the workers to adapt. */
  source: WorkerId,
  /** The workflow run of the adapt session. */
  run_id: z.number().int().positive(),
  /** The build branch head the session started from. */
  base: z.string().regex(/^[0-9a-f]{40}$/),
  /** The commit with the revised briefs, pushed onto the build branch. */
  head: z.string().regex(/^[0-9a-f]{40}$/),
  /** The workers whose briefs the commit changed. */
  workers: z.array(WorkerId).max(60),
});
export type AdaptationRecord = z.infer<typeof AdaptationRecord>;

export function adaptationRefPrefix(build: string): string {
  return `refs/baton/${build}/adapt/`;
}

/** The hidden ref of one adaptation; clones do not fetch `refs/baton/*`. */
export function adaptationRef(build: string, source: string): string {
  return `${adaptationRefPrefix(build)}${source}`;
}

/** The commit message that carries a record. */
export function renderAdaptationMessage(record: AdaptationRecord): string {
  return renderRecordMessage(ADAPTATION_HEADER, record);
}

/** A record from a commit message, or null when the message is not a valid one. */
export function parseAdaptationMessage(message: string): AdaptationRecord | null {
  return parseRecordMessage(message, { header: ADAPTATION_HEADER, schema: AdaptationRecord });
}

/** What adapt sessions changed; a ref whose message is not a record is ignored. */
export function adaptationsOf(messages: string[]): AdaptationRecord[] {
  return recordsOf(messages, parseAdaptationMessage);
}
