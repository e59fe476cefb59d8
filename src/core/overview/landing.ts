import type { SetRepositoryLine } from '../status/status-view.js';
import type { BuildRead } from './build-read.js';

/**
 * Where a member's final pull request stands in its set's landing order:
 * `ready` where the set released it (`baton/change-set` passes: every member
 * before it merged), else the member it waits for. GitHub refuses a merge
 * before that, so nothing offers one.
 */
export type Landing = { kind: 'ready' } | { kind: 'waits'; for: string };

/** The landing lines of every change set read, by its issue (`owner/name#number`, lower case). */
export type LandingLines = ReadonlyMap<string, readonly SetRepositoryLine[]>;

/** From every read (the viewer's or not: nothing of them is shown), each set's lines as its status shows them. */
export function landingLinesOf(reads: readonly BuildRead[]): LandingLines {
  const lines = new Map<string, readonly SetRepositoryLine[]>();
  for (const read of reads) {
    const set = read.view?.changeSet;
    if (!set || read.snapshot.changeSet) continue;
    lines.set(setIssueKey(read.repository, read.snapshot.issue.number), set.repositories);
  }
  return lines;
}

export function setIssueKey(repository: string, issue: number): string {
  return `${repository.toLowerCase()}#${issue}`;
}

/**
 * Where `read`'s final pull request stands, for a member of a change set; null
 * for a build of no set. Without its set's status read, the member's own
 * record of the repositories it lands after decides: it waits for the first.
 */
export function landingOf(read: BuildRead, sets: LandingLines): Landing | null {
  const member = read.snapshot.changeSet;
  if (!member) return null;
  const lines = sets.get(setIssueKey(member.issue.repository, member.issue.number));
  const own = lines?.find((line) => line.name.toLowerCase() === read.repository.toLowerCase());
  if (lines && own) {
    if (own.released) return { kind: 'ready' };
    const before = lines.filter(
      (line) =>
        own.after.some((name) => name.toLowerCase() === line.name.toLowerCase()) &&
        line.state !== 'merged',
    );
    const first = before[0] ?? lines.find((line) => line.state !== 'merged' && line !== own);
    return { kind: 'waits', for: first?.name ?? own.after[0] ?? member.issue.repository };
  }
  const first = member.after[0];
  return first ? { kind: 'waits', for: first } : { kind: 'ready' };
}
