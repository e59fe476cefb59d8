/**
 * The audit trail's events that one reconcile's writes just made, for a stream
 * (docs/deploy.md, `BATON_AUDIT_STREAM`): each write that went (a session
 * dispatched, a pull request merged, a notice posted, the status comment that
 * records the ask posted the first time) is put into the build as
 * GitHub will hold it, and the trail is derived from that build as `baton
 * audit` derives it (`buildEvents`), keeping the events that write made. So a
 * line streamed is the line `baton audit` prints later, and a write that did
 * not go (another replica's, refused by its guard) makes none.
 */
import type { BuildRead } from '../overview/build-read.js';
import type { SessionRequest } from '../sessions/session.js';
import type { BuildSnapshot, PullInfo, RunInfo } from '../snapshot/snapshot.js';
import type { AuditEvent } from './audit-event.js';
import { buildEvents } from './audit-trail.js';

/** A write that went, as the reconcile that made it saw it. */
export type AuditWrite =
  | {
      kind: 'dispatch';
      request: Pick<SessionRequest, 'role' | 'worker' | 'trigger'>;
      run: { id: number; url: string };
    }
  | { kind: 'merge'; pull: number; sha: string | null }
  | { kind: 'notice'; key: string; number: number; comment: number }
  /** The build's status comment, posted the first time: it records the ask. */
  | { kind: 'status'; comment: number };

/** The events `writes` made in the build `read` holds, `at` when they went (ISO 8601). */
export function writtenEvents({
  read,
  writes,
  at,
}: {
  read: BuildRead;
  writes: readonly AuditWrite[];
  at: string;
}): AuditEvent[] {
  if (writes.length === 0) return [];
  const snapshot = writes.reduce((build, write) => withWrite(build, write, at), read.snapshot);
  const made = new Set(writes.map((write) => evidenceOf(snapshot, write)));
  const asked = writes.some((write) => write.kind === 'status');
  return buildEvents({ ...read, snapshot }).filter((event) =>
    event.kind === 'ask' ? asked : made.has(event.evidence[0] ?? ''),
  );
}

/** The build with `write` in it, as GitHub holds it once it went; unchanged where the read saw it already. */
function withWrite(snapshot: BuildSnapshot, write: AuditWrite, at: string): BuildSnapshot {
  switch (write.kind) {
    case 'dispatch': {
      if (snapshot.runs.some((run) => run.id === write.run.id)) return snapshot;
      const run: RunInfo = {
        id: write.run.id,
        role: write.request.role,
        worker: write.request.worker ?? null,
        trigger: write.request.trigger ?? null,
        status: 'queued',
        conclusion: null,
        createdAt: at,
        updatedAt: at,
        url: write.run.url,
        byBaton: true,
      };
      return { ...snapshot, runs: [...snapshot.runs, run] };
    }
    case 'merge': {
      // A later pass of the same reconcile may have seen it merged already, undated.
      const merged = (pull: PullInfo): PullInfo => {
        if (pull.number !== write.pull) return pull;
        const sha = pull.mergeSha ?? write.sha;
        return {
          ...pull,
          state: 'merged',
          mergedAt: pull.mergedAt ?? at,
          ...(sha ? { mergeSha: sha } : {}),
        };
      };
      return { ...snapshot, pulls: snapshot.pulls.map(merged) };
    }
    case 'status':
      return snapshot.statusComment
        ? snapshot
        : { ...snapshot, statusComment: { id: write.comment, body: '' } };
    case 'notice': {
      if (snapshot.posted?.some((posted) => posted.id === write.comment)) return snapshot;
      const posted = {
        kind: 'notice' as const,
        key: write.key,
        number: write.number,
        id: write.comment,
        at,
      };
      return { ...snapshot, posted: [...(snapshot.posted ?? []), posted] };
    }
    default: {
      const _exhaustive: never = write;
      return _exhaustive;
    }
  }
}

/** The first piece of evidence of the events `write` makes: its run, its pull request, its comment. */
function evidenceOf(snapshot: BuildSnapshot, write: AuditWrite): string {
  switch (write.kind) {
    case 'dispatch':
      return write.run.url;
    case 'merge':
      return snapshot.pulls.find((pull) => pull.number === write.pull)?.url ?? '';
    case 'status':
      return '';
    case 'notice': {
      const where = write.number === snapshot.issue.number ? 'issues' : 'pull';
      return `${snapshot.issue.url.replace(/\/issues\/\d+$/, '')}/${where}/${write.number}#issuecomment-${write.comment}`;
    }
    default: {
      const _exhaustive: never = write;
      return _exhaustive;
    }
  }
}
