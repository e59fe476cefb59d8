import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { type AppHarness, startReplica } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, statusBody, tickingClock } from '../support/builds.js';
import { chainScript, doubledAndShuffled, driveBuild } from '../support/scripted-sessions.js';

/** W1.1's first attempt fails, so the build waits for a person and a `/retry` would start work. */
const script = chainScript('fail');

describe('who steers a build: a command counts once, when Baton accepts it', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started));
  beforeEach(async () => {
    labelledIssue(gh);
    await drive();
  });

  const drive = () => driveBuild({ gh, apps: [app], script });
  const say = async (body: string, user = 'maintainer') => {
    const comment = gh.addComment({ issue: 1, body, user });
    await drive();
    return comment;
  };
  const workRuns = () => gh.runs.filter((run) => run.inputs.role === 'work');
  const replies = () =>
    gh.comments
      .filter((c) => c.user.login === gh.botLogin && !c.body.includes('baton:status'))
      .map((c) => c.body);

  it('never counts an /approve written before its author had write access', async () => {
    const early = await say('/approve', 'reader');
    expect(early.reactions).toEqual([]);
    gh.permissions.set('reader', 'write'); // Promoted later.
    await say('/status');
    expect(workRuns()).toEqual([]);
  });

  it.each([
    ['edited', (c: { body: string }) => Object.assign(c, { body: 'Sorry, wrong issue.' })],
    [
      'deleted',
      (c: { id: number }) =>
        gh.comments.splice(
          gh.comments.findIndex((x) => x.id === c.id),
          1,
        ),
    ],
  ])('keeps an accepted /cancel in effect after it is %s', async (_how, undo) => {
    await say('/approve');
    expect(workRuns()).toHaveLength(1); // W1.1 ran and failed.
    const cancel = await say('/cancel');
    expect(cancel.reactions).toEqual([{ login: gh.botLogin, content: 'eyes' }]);
    expect(statusBody(gh, BUILD)).toMatch(/cancel/i);

    undo(cancel);
    await say('/retry W1.1');
    expect(workRuns()).toHaveLength(1);
    expect(statusBody(gh, BUILD)).toMatch(/cancel/i);
  });

  it.each([1, 2, 3, 4])(
    'answers the /approve that started the build with 👀 and no error (two replicas, seed %i)',
    async (seed) => {
      const now = tickingClock('2026-11-22T11:00:00.000Z');
      const apps = [app, await startReplica({ now })];
      const approve = gh.addComment({ issue: 1, body: '/approve', user: 'maintainer' });
      gh.addComment({ issue: 1, body: '/status', user: 'maintainer' });
      await driveBuild({ gh, apps, script, delivery: doubledAndShuffled(seed), burst: true });

      expect(workRuns().length).toBeGreaterThan(0);
      expect(approve.reactions).toEqual([{ login: gh.botLogin, content: 'eyes' }]);
      expect(replies().join('\n')).not.toMatch(/already running|could not run/i);
    },
  );
});
