import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { clearReactionReading, reactionReadingOf } from '../../src/github/observe/reactions.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, statusBody } from '../support/builds.js';
import { driveBuild, inOrder, makeScript } from '../support/scripted-sessions.js';

const WORKERS = [{ id: 'W1.1' }, { id: 'W1.2' }, { id: 'W2.1', depends_on: ['W1.1'] }];

/**
 * A command counts once Baton's 👀 is on it, read in the build query as
 * `viewerHasReacted`. No documentation says that is the app's own reaction
 * under an installation token; where GitHub answers false for it, Baton must
 * still tell the commands it took (over REST), and take each once.
 */
describe("commands on a GitHub whose viewerHasReacted is not the app's own 👀", () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  const script = makeScript({ workers: WORKERS });

  beforeEach(clearReactionReading);
  startAppEachTest((started) => ({ gh, app } = started));
  afterEach(() => {
    delete process.env.BATON_REACTIONS;
  });

  it.each<[string, string, boolean, string, boolean]>([
    ['is', 'auto', true, 'graphql', false],
    ['is not', 'auto', false, 'rest', true],
    // `rest` asks REST whatever GraphQL says, and learns nothing.
    ['is', 'rest', true, 'unknown', true],
  ])(
    "takes a writer's /approve and /skip once when viewerHasReacted %s the app's (BATON_REACTIONS=%s)",
    async (_, setting, isApp, reading, restAsked) => {
      process.env.BATON_REACTIONS = setting;
      gh.viewerHasReactedIsApp = isApp;
      const issue = labelledIssue(gh);
      await driveBuild({ gh, apps: [app], script, delivery: inOrder });
      // Someone else's 👀 on a writer's comment is not Baton's.
      const chat = gh.addComment({ issue, body: 'Looks good to me', user: 'maintainer' });
      chat.reactions.push({ login: 'reader', content: 'eyes' });
      const skip = gh.addComment({ issue, body: '/skip W1.2', user: 'maintainer' });
      await driveBuild({ gh, apps: [app], script, delivery: inOrder });
      const approve = gh.addComment({ issue, body: '/approve', user: 'maintainer' });
      await driveBuild({ gh, apps: [app], script, delivery: inOrder });
      expect(app.errors).toEqual([]);

      // Each command got Baton's 👀 once, and counted.
      for (const comment of [skip, approve])
        expect(comment.reactions).toEqual([{ login: gh.botLogin, content: 'eyes' }]);
      const works = gh.runs.filter((run) => run.inputs.role === 'work');
      expect(works.map((run) => run.inputs.worker).sort()).toEqual(['W1.1', 'W2.1']);
      expect(statusBody(gh, BUILD) ?? '').toMatch(/W1\.2.*skipped/i);
      // Nothing ran twice: a command taken stays taken, and is not taken again.
      expect(new Set(works.map((run) => run.inputs.worker)).size).toBe(works.length);
      expect(reactionReadingOf(gh)).toBe(reading);
      // REST is asked about reactions only where GraphQL is found not to say.
      const asked = gh.log.filter((entry) =>
        entry.route.endsWith('/issues/comments/{comment_id}/reactions'),
      );
      expect(asked.filter((entry) => entry.method === 'GET').length > 0).toBe(restAsked);
    },
  );
});
