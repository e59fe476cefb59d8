import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, statusBody } from '../support/builds.js';
import { captureLog } from '../support/captured-log.js';
import { makeScript, runApprovedBuild } from '../support/scripted-sessions.js';

const SCRIPT = makeScript({
  workers: [{ id: 'W1.1', title: 'OAuth provider' }],
});

describe('the log of a build', () => {
  const captured = captureLog('info');
  let gh: FakeGitHub;
  let app: AppHarness;
  startAppEachTest((started) => ({ gh, app } = started), { log: captured.log });

  it('carries the webhook delivery id and the build on every line a reconcile writes', async () => {
    const before = captured.records().length;
    // One write fails, so the act's error line is among them.
    gh.faults.push({
      route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      response: { status: 502, body: { message: 'Bad Gateway' } },
    });

    await runApprovedBuild({ gh, apps: [app], script: SCRIPT });

    expect(statusBody(gh, BUILD)).toContain('**1 of 1** workers done');
    const lines = captured.records().slice(before);
    expect(lines.filter((line) => line.msg === 'baton: reconciled').length).toBeGreaterThan(3);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, msg: 'baton: render-status failed' }),
    );
    for (const line of lines) {
      expect(line, JSON.stringify(line)).toMatchObject({
        deliveryId: expect.stringMatching(/^delivery-\d+$/),
        build: `${gh.fullName}#1`,
      });
    }
    // Lines of different deliveries differ: the id is the webhook's, not one per process.
    expect(new Set(lines.map((line) => line.deliveryId)).size).toBeGreaterThan(1);
  });
});
