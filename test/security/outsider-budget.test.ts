import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { labelledIssue } from '../support/builds.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

/**
 * An outsider cannot drain the installation's write and request budgets:
 * one refusal per person per issue, no answer at all where there is no
 * build, and a reconcile of an issue with a long conversation asks about no
 * outsider's comment (docs/security.md, "Who steers a build").
 */
const script = makeScript({ workers: [{ id: 'W1.1' }] });

describe("an outsider's comments cost Baton no writes and no per-comment requests", () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  const drive = () => driveBuild({ gh, apps: [app], script });
  startAppEachTest((started) => ({ gh, app } = started));

  async function labelledBuild() {
    labelledIssue(gh);
    await drive();
  }

  /** Writes to the repository (an installation token's minting is the app's own). */
  const writes = (from: number) =>
    gh.log
      .slice(from)
      .filter(
        (entry) =>
          entry.method !== 'GET' &&
          !entry.path.endsWith('/graphql') &&
          !entry.path.startsWith('/app/'),
      );

  it('answers 25 commands of one outsider with one refusal', async () => {
    await labelledBuild();
    const before = gh.log.length;
    for (let i = 0; i < 25; i++) gh.addComment({ issue: 1, body: '/approve', user: 'outsider' });
    await drive();

    expect(writes(before).map((entry) => entry.route)).toEqual([
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    ]);
    expect(gh.runs.filter((run) => run.inputs.role === 'work')).toEqual([]);
  });

  it("answers an outsider's /improve on an issue with no build with nothing", async () => {
    gh.openIssue({ title: 'Some bug', labels: [] });
    const before = gh.log.length;
    for (let i = 0; i < 5; i++) gh.addComment({ issue: 1, body: '/improve 3', user: 'outsider' });
    await drive();

    expect(writes(before)).toEqual([]);
  });

  it('reads no reactions of an outsider on an issue of 120 comments, even those they reacted 👀 to', async () => {
    await labelledBuild();
    for (let i = 0; i < 120; i++) {
      const comment = gh.addComment({ issue: 1, body: '/approve', user: 'outsider' });
      if (i % 2 === 0) comment.reactions.push({ login: 'outsider', content: 'eyes' });
    }
    gh.outbox.splice(0); // The comments' webhooks are another test's; here a reconcile reads them.
    const before = gh.log.length;
    gh.addComment({ issue: 1, body: '/status', user: 'maintainer' });
    await drive();

    const reactionReads = gh.log
      .slice(before)
      .filter((entry) => entry.method === 'GET' && entry.path.includes('/reactions'));
    expect(reactionReads.length).toBeLessThanOrEqual(1); // The maintainer's /status, at most.
  });
});
