import type { BuildSnapshot, CommandInfo } from '../../core/snapshot/snapshot.js';
import type { LedgerPartToPost } from '../../core/status/ledger-archive.js';
import type { RepoContext } from '../client/types.js';
import { writeOnceByRef } from './locks/write-once.js';

/** The lock for posting a build's ledger part `part`: a hidden ref, created once. */
export function ledgerPartLockRef(build: string, part: number): string {
  return `refs/baton/${build}/build/ledger-${part}`;
}

/**
 * The accepted commands the status comment's own ledger must carry. While they
 * outgrow its share, the oldest move into the next ledger part first, one part
 * after another (`ledgerPartsOwed`): each posted by whoever creates that part's
 * lock ref, so replicas never post one twice. A failed post frees its lock for
 * the next reconcile. Nothing is dropped before the part holding it is on the
 * issue. Null when a part this needs is another's to post and what is left
 * would not fit in the status comment: that replica edits the status once it is posted.
 */
export async function ensureLedgerPart(
  ctx: RepoContext,
  {
    snapshot,
    ledger,
  }: {
    snapshot: BuildSnapshot;
    /** The parts to post and the ledger kept after them (`ledgerPartsOwed` of `snapshot`). */
    ledger: { parts: LedgerPartToPost[]; kept: CommandInfo[] };
  },
): Promise<CommandInfo[] | null> {
  const sha = snapshot.integration?.sha ?? snapshot.repo.defaultSha;
  for (const { part, body, whileTaken } of ledger.parts) {
    const lock = ledgerPartLockRef(snapshot.build, part);
    const posted = await writeOnceByRef(ctx, { ref: lock, sha }, () =>
      ctx.octokit.rest.issues.createComment({
        owner: ctx.owner,
        repo: ctx.repo,
        issue_number: snapshot.issue.number,
        body,
      }),
    );
    if (posted.taken) return whileTaken;
  }
  return ledger.kept;
}
