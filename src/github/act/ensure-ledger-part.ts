import type { BuildSnapshot, CommandInfo } from '../../core/snapshot/snapshot.js';
import { renderCommandLedger } from '../../core/status/command-ledger.js';
import {
  LEDGER_PART_CHARS,
  ledgerSpill,
  renderLedgerPart,
} from '../../core/status/ledger-archive.js';
import type { RepoContext } from '../client/types.js';
import { writeOnceByRef } from './write-once.js';

/** The lock for posting a build's ledger part `part`: a hidden ref, created once. */
export function ledgerPartLockRef(build: string, part: number): string {
  return `refs/baton/${build}/build/ledger-${part}`;
}

/**
 * The accepted commands the status comment's own ledger must carry. While they
 * outgrow its share, the oldest move into the next ledger part first, one part
 * after another: each posted by whoever creates that part's lock ref, so
 * replicas never post one twice. A failed post frees its lock for the next
 * reconcile. Nothing is dropped before the part holding it is on the issue.
 * Null when a part this needs is another's to post and what is left would not
 * fit in the status comment: that replica edits the status once it is posted.
 */
export async function ensureLedgerPart(
  ctx: RepoContext,
  snapshot: BuildSnapshot,
): Promise<CommandInfo[] | null> {
  const archived = new Set(snapshot.ledgerParts?.commandIds ?? []);
  let own = snapshot.commands.filter((info) => !archived.has(info.commentId));
  let part = snapshot.ledgerParts?.last ?? 0;
  const sha = snapshot.integration?.sha ?? snapshot.repo.defaultSha;
  for (let spill = ledgerSpill(own); spill.length > 0; spill = ledgerSpill(own)) {
    part += 1;
    const body = renderLedgerPart({ build: snapshot.build, part, commands: spill });
    const lock = ledgerPartLockRef(snapshot.build, part);
    const posted = await writeOnceByRef(ctx, { ref: lock, sha }, () =>
      ctx.octokit.rest.issues.createComment({
        owner: ctx.owner,
        repo: ctx.repo,
        issue_number: snapshot.issue.number,
        body,
      }),
    );
    if (posted.taken) return renderCommandLedger(own).length <= LEDGER_PART_CHARS ? own : null;
    own = own.slice(spill.length);
  }
  return own;
}
