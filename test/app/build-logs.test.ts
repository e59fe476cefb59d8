import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../support/app-harness.js';
import { installedRepo, statusBody, tickingClock } from '../support/builds.js';
import { captureLog } from '../support/captured-log.js';
import { driveBuild, type SessionScript } from '../support/scripted-sessions.js';

const BUILD = '1-add-oauth-login';
const SCRIPT: SessionScript = {
  build: BUILD,
  issue: 1,
  workers: [{ id: 'W1.1', title: 'OAuth provider' }],
};

describe('the log of a build', () => {
  let stop = () => {};
  afterEach(() => stop());

  it('carries the webhook delivery id and the build on every line a reconcile writes', async () => {
    const now = tickingClock();
    const gh = installedRepo(now);
    const captured = captureLog('info');
    const app = await startApp({ gh, now, log: captured.log });
    stop = () => app.stop();
    const before = captured.records().length;
    // One write fails, so the act's error line is among them.
    gh.faults.push({
      route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      response: { status: 502, body: { message: 'Bad Gateway' } },
    });

    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveBuild({ gh, apps: [app], script: SCRIPT });
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps: [app], script: SCRIPT });

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
