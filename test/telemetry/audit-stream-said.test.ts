/**
 * The audit stream's events of the writes made beside a build's pass
 * (docs/deploy.md, `BATON_AUDIT_STREAM`): a command taken (Baton's 👀), a
 * refusal's note, a change set's revert. Each is streamed when its write goes,
 * by the guard that makes the write once, as the line `baton audit` prints.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type AuditEvent, auditTrail } from '../../src/core/audit/audit-trail.js';
import { BuildBoard } from '../../src/page/build-board.js';
import { createAuditStream } from '../../src/telemetry/audit-stream.js';
import type { Telemetry } from '../../src/telemetry/telemetry.js';
import { startApp, startReplica } from '../support/app-harness.js';
import { startSetApp } from '../support/app-tests.js';
import { CHAIN, installedRepo, labelledIssue, tickingClock } from '../support/builds.js';
import {
  driveSet,
  driveSetIssue,
  finalPullOf,
  mergeAsPerson,
  SET_MEMBER,
  serviceAloneScripts,
  setScripts,
} from '../support/change-sets.js';
import { branchPull, PULL_LABEL_ON } from '../support/labelled-pull.js';
import { doubledAndShuffled, driveBuild, makeScript } from '../support/scripted-sessions.js';

function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-audit-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

function readLines(path: string): AuditEvent[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEvent);
}

const quiet = { warn: (message: string) => expect.fail(message) };
const fileStream = (path: string): Telemetry =>
  createAuditStream({ sink: { kind: 'file', path }, log: quiet });
const ofKinds = (events: readonly AuditEvent[], kinds: AuditEvent['kind'][]) =>
  events
    .filter((event) => kinds.includes(event.kind))
    .map((event) => JSON.stringify(event))
    .sort();

describe('the audit stream, beside a build’s pass', () => {
  it('streams each command taken and each refusal (of a command, a label, a comment’s lines) as the lines baton audit prints, across two replicas', async () => {
    const files = [tempFile('a.jsonl'), tempFile('b.jsonl')];
    const [a, b] = files.map(fileStream) as [Telemetry, Telemetry];
    const now = tickingClock();
    const gh = installedRepo(now);
    gh.permissions.set('mallory', 'read');
    const board = new BuildBoard();
    const first = await startApp({ gh, now, board, telemetry: a });
    onTestFinished(() => first.stop());
    const second = await startReplica({ now, board, telemetry: b });
    const script = makeScript({ workers: CHAIN });
    const drive = {
      gh,
      apps: [first, second],
      script,
      burst: true,
      delivery: doubledAndShuffled(11),
    };
    const issue = labelledIssue(gh);
    await driveBuild(drive);
    // Someone who may not write, refused, by comment and by label; a writer's comment with a
    // line that is no command.
    gh.addComment({ issue, body: '/approve', user: 'mallory' });
    gh.events.labeled(issue, 'orchestrate', 'mallory');
    gh.addComment({ issue, body: '/approve\n/frobnicate W1.1', user: 'maintainer' });
    await driveBuild(drive);
    await Promise.all([a.shutdown(), b.shutdown()]);

    const streamed = files.flatMap(readLines);
    const trail = auditTrail({ reads: board.reads(), access: { kind: 'all' } });
    const kinds: AuditEvent['kind'][] = ['command', 'refusal'];
    expect(ofKinds(streamed, ['command'])).toHaveLength(1);
    const refusals = streamed.filter((event) => event.kind === 'refusal');
    expect(refusals.map((event) => `${event.door} ${event.who}`)).toEqual(
      expect.arrayContaining(['command mallory', 'label mallory', 'command null']),
    );
    // Once each, whichever replica's guard let its write go, and each the trail's own line.
    expect(ofKinds(streamed, kinds)).toEqual(ofKinds(trail, kinds));
  });

  it('streams the refusal of a reader’s label on the pull request a build lives on, its evidence on the pull request', async () => {
    const file = tempFile('pull.jsonl');
    const stream = fileStream(file);
    const now = tickingClock();
    const gh = installedRepo(now);
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': PULL_LABEL_ON }, 'Turn it on');
    gh.permissions.set('mallory', 'read');
    const board = new BuildBoard();
    const app = await startApp({ gh, now, board, telemetry: stream });
    onTestFinished(() => app.stop());
    const pull = branchPull(gh);
    const drive = { gh, apps: [app], script: makeScript({ workers: CHAIN }) };
    gh.events.pullLabeled(pull, 'orchestrate', 'maintainer');
    await driveBuild(drive);
    gh.events.pullLabeled(pull, 'orchestrate', 'mallory');
    await driveBuild(drive);
    // A writer's comment after it: the build is read again, the note with it, for the trail.
    gh.addComment({ issue: pull.number, body: '/approve', user: 'maintainer' });
    await driveBuild(drive);
    await stream.shutdown();

    const refusals = readLines(file).filter((event) => event.kind === 'refusal');
    expect(refusals.map((event) => `${event.door} ${event.who}`)).toEqual(['label mallory']);
    expect(refusals[0]?.evidence[0]).toMatch(
      new RegExp(`^${gh.htmlUrl}/pull/${pull.number}#issuecomment-\\d+$`),
    );
    const trail = auditTrail({ reads: board.reads(), access: { kind: 'all' } });
    expect(ofKinds(refusals, ['refusal'])).toEqual(ofKinds(trail, ['refusal']));
  });

  it('streams the commands a reconcile takes with the 👀, in a repository that lists change sets: the set’s, then its build’s alone', async () => {
    // The service lists change sets, so its comment handler leaves the 👀 to the reconcile: the
    // set's while no work ran, then, its plan all in the service, the build's own.
    const file = tempFile('audit.jsonl');
    const stream = fileStream(file);
    const board = new BuildBoard();
    const { repos, app } = await startSetApp({ board, telemetry: stream });
    // The set build runs its plan's workers itself: W2.1's first attempt fails.
    const scripts = serviceAloneScripts(repos);
    const issue = repos.service.openIssue({ title: 'Rename fetch to get' });
    repos.service.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveSet({ repos, apps: [app], scripts });
    const approve = repos.service.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveSet({ repos, apps: [app], scripts });
    const retry = repos.service.addComment({ issue, body: '/retry W2.1', user: 'maintainer' });
    await driveSet({ repos, apps: [app], scripts });
    await stream.shutdown();

    const streamed = readLines(file).filter((event) => event.kind === 'command');
    expect(streamed.map((event) => [event.what, event.evidence[0]?.split('#')[1]])).toEqual([
      ['/approve', `issuecomment-${approve.id}`],
      ['/retry W2.1', `issuecomment-${retry.id}`],
    ]);
    const trail = auditTrail({ reads: board.reads(), access: { kind: 'all' } });
    expect(ofKinds(streamed, ['command'])).toEqual(ofKinds(trail, ['command']));
  });

  it('streams a change set’s /rollback once per revert pull request it opens, as baton audit prints it', async () => {
    const file = tempFile('audit.jsonl');
    const stream = fileStream(file);
    const board = new BuildBoard();
    const { repos, app } = await startSetApp({ board, telemetry: stream });
    const scripts = setScripts(repos);
    const issue = await driveSetIssue({ repos, app, scripts, approve: false });
    repos.service.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveSet({ repos, apps: [app], scripts });
    for (const gh of [repos.lib, repos.service, repos.client]) {
      expect(mergeAsPerson(gh, finalPullOf(gh)?.number ?? 0).status).toBe(200);
      await driveSet({ repos, apps: [app], scripts });
    }
    repos.service.addComment({ issue, body: '/rollback', user: 'maintainer' });
    await driveSet({ repos, apps: [app], scripts });
    await stream.shutdown();

    const reverts = repos.all.flatMap((gh) =>
      [...gh.pulls.values()]
        .filter((pull) => pull.head === `baton/${SET_MEMBER}/revert`)
        .map((pull) => `https://github.com/${gh.owner}/${gh.repo}/pull/${pull.number}`),
    );
    expect(reverts).toHaveLength(3);
    const streamed = readLines(file);
    const rollbacks = streamed.filter((event) => event.kind === 'rollback');
    expect(rollbacks.map((event) => event.evidence[0]).sort()).toEqual(reverts.sort());
    const trail = auditTrail({ reads: board.reads(), access: { kind: 'all' } });
    expect(ofKinds(streamed, ['rollback'])).toEqual(ofKinds(trail, ['rollback']));
    expect(rollbacks).toHaveLength(3);
    // The /rollback itself, taken by the set's reconcile (the service lists change sets).
    expect(ofKinds(streamed, ['command'])).toEqual(ofKinds(trail, ['command']));
    expect(streamed.some((event) => event.kind === 'command' && event.what === '/rollback')).toBe(
      true,
    );
  });
});
