/**
 * The audit trail streamed as the app makes it (docs/deploy.md,
 * `BATON_AUDIT_STREAM`): `file:/path` appends each event as a JSON line,
 * `https://…` (or `http://…`) POSTs each reconcile's lines to a collector.
 * It hears the reconciles where the traces do (`Telemetry.acted`): an event
 * goes out when the write that makes it went (`writtenEvents`), and only from
 * the process whose write it was, so replicas never send one twice: the guard
 * that makes the write once makes its line once. Baton keeps nothing: a line
 * that could not be sent is said in the log (`baton: audit: …`) and dropped,
 * never holding up or failing a reconcile; `baton audit` derives it again from GitHub.
 * A write made beside a build's pass (a command's 👀 in the comment's handler, a
 * refusal's note, a change set's revert) is heard as its events (`said`), by the
 * guard that made that write once.
 */
import { appendFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { AuditEvent } from '../core/audit/audit-event.js';
import { type AuditWrite, writtenEvents } from '../core/audit/written-events.js';
import type { ActedBuild, ActOutcome } from '../github/act/act.js';
import { auditHeadersOf } from './audit-headers.js';
import { NO_TELEMETRY } from './telemetry.js';
import type { Telemetry } from './telemetry-seam.js';

/** How long a collector has to take a POST. */
export const AUDIT_POST_TIMEOUT_MS = 5_000;

/** Where the stream goes: a file to append to, or a collector to POST to. */
export type AuditSink = { kind: 'file'; path: string } | { kind: 'http'; url: string };

type Env = Record<string, string | undefined>;

/** `BATON_AUDIT_STREAM` read: null where unset, a problem where it names no sink Baton writes to. */
export function auditSinkOf(env: Env): AuditSink | null | { problem: string } {
  const value = env.BATON_AUDIT_STREAM?.trim();
  if (!value) return null;
  if (value.startsWith('file:')) {
    const path = value.slice('file:'.length);
    if (isAbsolute(path)) return { kind: 'file', path };
  } else if (URL.canParse(value)) {
    const url = new URL(value);
    if ((url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password)
      return { kind: 'http', url: url.toString() };
  }
  return {
    problem:
      'BATON_AUDIT_STREAM takes file:/absolute/path or an https:// (or http://) URL with no credentials in it; the audit trail is not streamed',
  };
}

/**
 * The writes of a pass that went, in the trail's terms; every other outcome makes no event.
 * `statusBefore`: the build had a status comment (one posted again, deleted by someone, asks nothing).
 */
export function auditWritesOf(
  outcomes: readonly ActOutcome[],
  statusBefore: boolean,
): AuditWrite[] {
  return outcomes.flatMap((outcome): AuditWrite[] => {
    if (outcome.result !== 'done') return [];
    const { action } = outcome;
    if (action.kind === 'render-status' && outcome.posted && !statusBefore)
      return [{ kind: 'status', comment: outcome.posted.id }];
    if (action.kind === 'dispatch' && outcome.run)
      return [{ kind: 'dispatch', request: action.request, run: outcome.run }];
    if (action.kind === 'merge-pull')
      return [{ kind: 'merge', pull: action.pull, sha: outcome.merged ?? null }];
    if (action.kind === 'notice' && outcome.posted)
      return [
        {
          kind: 'notice',
          key: action.key,
          number: outcome.posted.number,
          comment: outcome.posted.id,
        },
      ];
    return [];
  });
}

/**
 * The stream `BATON_AUDIT_STREAM` asks for, a collector's POSTs with the headers of
 * `BATON_AUDIT_STREAM_HEADERS`; the no-op where it is unset, or said and the no-op
 * where either is wrong (a collector is never sent lines without the headers asked for).
 */
export function auditStreamFromEnv(
  env: Env,
  { log }: { log: { warn: (message: string) => void } },
): Telemetry {
  const sink = auditSinkOf(env);
  if (sink === null) return NO_TELEMETRY;
  const refuse = (problem: string): Telemetry => {
    log.warn(`baton: audit: ${problem}`);
    return NO_TELEMETRY;
  };
  if ('problem' in sink) return refuse(sink.problem);
  const headers = auditHeadersOf(env);
  if (!headers.ok) return refuse(headers.problem);
  return createAuditStream({ sink, log, headers: headers.headers });
}

/**
 * The stream of `sink`: each reconcile's events, in order, one line each. A write the read
 * did not see go is dated when the reconcile read the build, the moment it decided to
 * make it (GitHub dates it a few seconds later; `baton audit` prints GitHub's).
 */
export function createAuditStream({
  sink,
  log,
  headers = {},
}: {
  sink: AuditSink;
  log: { warn: (message: string) => void };
  /** Sent with every POST to a collector (`auditHeadersOf`); never said in a message. */
  headers?: Readonly<Record<string, string>>;
}): Telemetry {
  let last: Promise<void> = Promise.resolve();
  const send = (text: string): Promise<void> =>
    sink.kind === 'file'
      ? appendFile(sink.path, text, { encoding: 'utf8', mode: 0o600 })
      : post(sink.url, text, headers);
  const stream = (events: readonly AuditEvent[]): void => {
    const text = events.map((event) => `${JSON.stringify(event)}\n`).join('');
    if (!text) return;
    // One send after another, so the lines keep their order; a failure is said, never thrown.
    last = last.then(() =>
      send(text).catch((error: unknown) => {
        log.warn(
          `baton: audit: ${text.split('\n').length - 1} event(s) not sent: ${messageOf(error)}`,
        );
      }),
    );
  };
  return {
    acted({ read, outcomes }: ActedBuild) {
      let events: AuditEvent[];
      try {
        events = writtenEvents({
          read,
          writes: auditWritesOf(outcomes, read.snapshot.statusComment !== null),
          at: read.readAt,
        });
      } catch (error) {
        log.warn(`baton: audit: a build's events were not made: ${messageOf(error)}`);
        return;
      }
      stream(events);
    },
    said: stream,
    shutdown: () => last,
  };
}

async function post(
  url: string,
  text: string,
  headers: Readonly<Record<string, string>>,
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-ndjson' },
    body: text,
    signal: AbortSignal.timeout(AUDIT_POST_TIMEOUT_MS),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the collector answered ${response.status}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
