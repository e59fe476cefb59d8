/**
 * The audit trail streamed as the app makes it (docs/deploy.md,
 * `BATON_AUDIT_STREAM`): an event when the write that makes it went, to a file
 * and to a collector on 127.0.0.1 (a server in this process), each line the
 * JSON `baton audit` prints; a write its guard refused streams nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type AuditEvent, auditTrail } from '../../src/core/audit/audit-trail.js';
import type { Action } from '../../src/core/context/action.js';
import type { ActOutcome } from '../../src/github/act/act.js';
import { BuildBoard } from '../../src/page/build-board.js';
import { auditSinkOf, createAuditStream } from '../../src/telemetry/audit-stream.js';
import { joinTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { actedBuild } from '../support/acted-build.js';
import { startApp, startReplica } from '../support/app-harness.js';
import { CHAIN, installedRepo, labelledIssue, tickingClock } from '../support/builds.js';
import { doubledAndShuffled, driveBuild, makeScript } from '../support/scripted-sessions.js';

/** A collector on 127.0.0.1 that keeps each POST's body, answering `status`; closed when the test ends. */
async function startCollector(status = 200): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`, bodies };
}

function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-audit-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

function linesOf(text: string): AuditEvent[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEvent);
}

const readLines = (path: string) => linesOf(readFileSync(path, 'utf8'));
const quiet = { warn: (message: string) => expect.fail(message) };

describe('the audit stream', () => {
  it('streams each merge once, to a file and to a collector, as the line baton audit prints', async () => {
    const collector = await startCollector();
    const file = tempFile('audit.jsonl');
    const now = tickingClock();
    const streams = [
      createAuditStream({ sink: { kind: 'file', path: file }, log: quiet }),
      createAuditStream({ sink: { kind: 'http', url: collector.url }, log: quiet }),
    ];
    const gh = installedRepo(now);
    const board = new BuildBoard();
    const app = await startApp({ gh, now, board, telemetry: joinTelemetry(streams) });
    onTestFinished(() => app.stop());
    nock.enableNetConnect('127.0.0.1');
    const script = makeScript({ workers: CHAIN });
    labelledIssue(gh);
    await driveBuild({ gh, apps: [app], script });
    gh.addComment({ issue: 1, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps: [app], script });
    await Promise.all(streams.map((stream) => stream.shutdown()));

    const streamed = readLines(file);
    const merges = streamed.filter((event) => event.kind === 'merge');
    expect(merges.map((event) => event.what).sort()).toEqual(['merge #2 W1.1', 'merge #3 W2.1']);
    // The collector got the same lines, a POST per reconcile that made any.
    expect(collector.bodies.flatMap(linesOf)).toEqual(streamed);
    // Each names the pull request and the commit GitHub's merge made.
    const merged = [...gh.pulls.values()].filter((one) => one.mergeCommitSha);
    expect(merged).toHaveLength(2);
    for (const pull of merged)
      expect(merges).toContainEqual(
        expect.objectContaining({
          evidence: expect.arrayContaining([
            `https://github.com/${gh.owner}/${gh.repo}/pull/${pull.number}`,
            `commit ${pull.mergeCommitSha}`,
          ]),
        }),
      );
    // And is the event `baton audit` derives from GitHub afterwards: W1.1's merge, which the
    // app read again before the build ended (its checks as they stood at the merge).
    const trail = auditTrail({ reads: board.reads(), access: { kind: 'all' } });
    const [first] = merges.filter((event) => event.what === 'merge #2 W1.1');
    const { at = '', evidence = [], ...said } = first ?? {};
    const derived = trail.find((event) => event.kind === 'merge' && event.what === 'merge #2 W1.1');
    expect(derived).toMatchObject({
      ...said,
      evidence: expect.arrayContaining(evidence.slice(0, 2)),
    });
    // Dated when the reconcile that merged read the build; GitHub dates the merge moments later.
    expect(Date.parse(derived?.at ?? '') - Date.parse(at)).toBeLessThan(60_000);
    // The ask, once: with the status comment that records it, as the trail names it.
    const asks = streamed.filter((event) => event.kind === 'ask');
    expect(asks).toEqual(trail.filter((event) => event.kind === 'ask'));
    expect(asks).toHaveLength(1);
    const dispatched = streamed.filter((event) => event.kind === 'dispatch');
    expect(dispatched.length).toBeGreaterThan(0);
    expect(new Set(dispatched.map((event) => event.evidence[0])).size).toBe(dispatched.length);
  });

  it('streams each event once across two replicas that reconcile the same build at once, the guard refusing the second write', async () => {
    const files = [tempFile('a.jsonl'), tempFile('b.jsonl')];
    const stream = (path: string) =>
      createAuditStream({ sink: { kind: 'file', path }, log: quiet });
    const a = stream(files[0] ?? '');
    const b = stream(files[1] ?? '');
    // The writes a replica tried that its guard (or GitHub) refused, as the other made them.
    const refused: string[] = [];
    const hearing = (heard: Telemetry): Telemetry => ({
      acted(acted) {
        for (const { action, result } of acted.outcomes)
          if (
            ['dispatch', 'merge-pull', 'notice'].includes(action.kind) &&
            result !== 'done' &&
            result !== 'deferred'
          )
            refused.push(`${action.kind} ${result}`);
        heard.acted(acted);
      },
      shutdown: () => heard.shutdown(),
    });
    const now = tickingClock();
    const gh = installedRepo(now);
    const first = await startApp({ gh, now, telemetry: hearing(a) });
    onTestFinished(() => first.stop());
    const second = await startReplica({ now, telemetry: hearing(b) });
    const script = makeScript({ workers: CHAIN });
    const drive = {
      gh,
      apps: [first, second],
      script,
      burst: true,
      delivery: doubledAndShuffled(7),
    };
    labelledIssue(gh);
    await driveBuild(drive);
    gh.addComment({ issue: 1, body: '/approve', user: 'maintainer' });
    await driveBuild(drive);
    await Promise.all([a.shutdown(), b.shutdown()]);
    expect(refused.length).toBeGreaterThan(0);
    const lines = files.flatMap((path) => (existsSync(path) ? readLines(path) : []));
    const said = lines.map((event) => `${event.kind} ${event.evidence[0]}`);
    expect(said.filter((line) => line.startsWith('merge '))).toHaveLength(2);
    expect(new Set(said).size).toBe(said.length);
    // Every session GitHub ran was streamed, once.
    const runs = gh.runs.filter((run) => run.workflow !== 'ci.yml');
    expect(lines.filter((event) => event.kind === 'dispatch')).toHaveLength(runs.length);
  });

  it('streams nothing of a write that did not go: refused by its guard, found made, or failed', async () => {
    const file = tempFile('audit.jsonl');
    const stream = createAuditStream({ sink: { kind: 'file', path: file }, log: quiet });
    const merge: Action = {
      kind: 'merge-pull',
      pull: 101,
      worker: 'W1.1',
      sha: 'a'.repeat(40),
      method: 'squash',
    };
    const notice: Action = { kind: 'notice', key: 'final-pull/120', body: 'Ready' };
    const dispatch: Action = {
      kind: 'dispatch',
      request: { role: 'work', build: '12-add-login', issue: 12, worker: 'W2.1' },
    };
    const refused: ActOutcome[] = [
      { action: merge, result: 'failed', detail: '405 Pull Request is not mergeable' },
      { action: notice, result: 'unchanged' },
      { action: dispatch, result: 'stood-down' },
    ];
    stream.acted(actedBuild(refused));
    await stream.shutdown();
    expect(() => readFileSync(file, 'utf8')).toThrow(/ENOENT/);
    // The same writes, gone: one event each.
    stream.acted(
      actedBuild([
        { action: merge, result: 'done', merged: 'b'.repeat(40) },
        { action: notice, result: 'done', posted: { number: 12, id: 990 } },
        {
          action: dispatch,
          result: 'done',
          run: { id: 7031, url: 'https://github.com/acme/shop/actions/runs/7031' },
        },
      ]),
    );
    await stream.shutdown();
    expect(readLines(file).map((event) => event.kind)).toEqual(['dispatch', 'merge', 'final-pull']);
  });

  it('says a collector that refuses or does not answer, and goes on', async () => {
    const collector = await startCollector(503);
    const warned: string[] = [];
    const stream = createAuditStream({
      sink: { kind: 'http', url: collector.url },
      log: { warn: (message) => warned.push(message) },
    });
    const notice: Action = { kind: 'notice', key: 'final-pull/120', body: 'Ready' };
    stream.acted(actedBuild([{ action: notice, result: 'done', posted: { number: 12, id: 990 } }]));
    await stream.shutdown();
    expect(warned).toEqual(['baton: audit: 1 event(s) not sent: the collector answered 503']);
  });

  it.each([
    [{}, null],
    [{ BATON_AUDIT_STREAM: ' ' }, null],
    [
      { BATON_AUDIT_STREAM: 'file:/var/log/baton-audit.jsonl' },
      { kind: 'file', path: '/var/log/baton-audit.jsonl' },
    ],
    [
      { BATON_AUDIT_STREAM: 'https://logs.example/baton' },
      { kind: 'http', url: 'https://logs.example/baton' },
    ],
    [{ BATON_AUDIT_STREAM: 'file:relative.jsonl' }, 'problem'],
    [{ BATON_AUDIT_STREAM: 'https://user:secret@logs.example/' }, 'problem'],
    [{ BATON_AUDIT_STREAM: 'ftp://logs.example/' }, 'problem'],
  ])('reads BATON_AUDIT_STREAM %o', (env, expected) => {
    const sink = auditSinkOf(env);
    if (expected === 'problem') expect(sink).toHaveProperty('problem');
    else expect(sink).toEqual(expected);
  });
});
