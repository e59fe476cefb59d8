import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { workerBranch } from '../../src/core/vocabulary/ids.js';
import { SoloProcess } from '../../src/github/client/solo-process.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue } from '../support/builds.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

const WORKERS = [{ id: 'W1.1' }, { id: 'W1.2' }, { id: 'W2.1', depends_on: ['W1.1'] }];

describe('commands in comments', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  const script = makeScript({
    workers: WORKERS,
    review: (w) => (w === 'W1.2' ? 'changes-requested' : 'approve'),
  });

  // A process that shares no store (`SoloProcess`), its clock standing still.
  startAppEachTest(
    (started) => ({ gh, app } = started),
    () => ({ solo: new SoloProcess({ now: () => 0 }) }),
  );
  beforeEach(async () => {
    labelledIssue(gh);
    await driveBuild({ gh, apps: [app], script });
  });

  async function say(body: string, { user = 'maintainer', on = 1 } = {}) {
    const comment = gh.addComment({ issue: on, body, user });
    await driveBuild({ gh, apps: [app], script });
    const replies = gh.comments.filter(
      (c) => c.issue === on && c.user.login === gh.botLogin && c.id > comment.id,
    );
    return {
      comment,
      replies: replies.map((c) => c.body).filter((b) => !b.includes('baton:status')),
    };
  }

  it('answers an unknown worker id with the workers there are', async () => {
    const { comment, replies } = await say('/skip W9.9');
    expect(comment.reactions).toEqual([{ login: gh.botLogin, content: 'eyes' }]);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(
      'W9.9 is not a worker of this build; its workers are W1.1, W1.2, W2.1',
    );
  });

  it('answers an unknown command with how to write it, once', async () => {
    const { replies } = await say('/aprove');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('/approve');
  });

  it('refuses commands from someone without write access and takes none of them', async () => {
    const { comment, replies } = await say('/approve', { user: 'reader' });
    expect(comment.reactions).toEqual([]);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('write, maintain or admin');
    expect(gh.runs.filter((run) => run.inputs.role === 'work')).toEqual([]);
    // One refusal per person per issue: the next command is not run and costs no reply.
    const synthesis = await say('/retry synthesis', { user: 'reader' });
    expect(synthesis.comment.reactions).toEqual([]);
    expect(synthesis.replies).toEqual([]);
    const other = await say('/retry synthesis', { user: 'visitor' });
    expect(other.replies).toEqual([expect.stringContaining('so `/retry synthesis` was not run')]);
  });

  it('refuses at the next command someone whose refusal GitHub failed to take, and takes neither', async () => {
    gh.faults.push({
      route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      response: { status: 502, body: { message: 'Bad Gateway' } },
      unrouted: true,
    });
    await expect(say('/approve', { user: 'reader' })).rejects.toThrow('Bad Gateway');
    app.errors.splice(0);
    const again = await say('/approve', { user: 'reader' });
    expect(again.replies).toEqual([expect.stringContaining('write, maintain or admin')]);
    expect(gh.runs.filter((run) => run.inputs.role === 'work')).toEqual([]);
  });

  it('answers /retry synthesis in a code build that it has no synthesis', async () => {
    const { comment, replies } = await say('/retry synthesis');
    expect(comment.reactions).toEqual([{ login: gh.botLogin, content: 'eyes' }]);
    expect(replies).toEqual([expect.stringContaining('only a research build has a synthesis')]);
    expect(gh.runs.filter((run) => run.inputs.role === 'synthesis')).toEqual([]);
  });

  it('ignores other bots and plain conversation', async () => {
    await say('/approve', { user: 'dependabot[bot]' });
    const { replies } = await say('Looks good to me, see /usr/bin/env for details');
    expect(replies).toEqual([]);
    expect(gh.runs.filter((run) => run.inputs.role === 'work')).toEqual([]);
  });

  it('takes /retry on a worker PR without a worker id as that PR’s worker', async () => {
    await say('/approve');
    const pull = [...gh.pulls.values()].find((p) => p.head === workerBranch(BUILD, 'W1.2'));
    expect(pull?.state).toBe('open');
    await say('/retry use the shared client', { on: pull?.number ?? 0 });

    const fixes = gh.runs.filter(
      (run) => run.inputs.role === 'fix' && run.inputs.trigger?.startsWith('comment-'),
    );
    expect(fixes.map((run) => run.inputs.worker)).toEqual(['W1.2']);
  });

  it('dispatches once a worker whose branch exists but whose first dispatch never ran, from the build branch head', async () => {
    // An earlier release's first dispatch took the worker's branch as its lock and no run
    // followed (the process died between the two), or someone pushed the branch.
    const branch = workerBranch(BUILD, 'W1.1');
    const stale = gh.git.resolve(gh.defaultBranch) ?? '';
    gh.git.refs.set(`refs/heads/${branch}`, stale);
    await say('/approve');
    const workRuns = () =>
      gh.runs.filter((run) => run.inputs.role === 'work' && run.inputs.worker === 'W1.1');
    // Its first attempt starts the branch over and runs on it: a session on the build branch
    // would take the branch for a twin's and end at once.
    expect(workRuns().map((run) => [run.inputs.trigger ?? '', run.headBranch])).toEqual([
      ['', branch],
    ]);
    // Cut where its sibling of the same reconcile was, not where the leftover branch was.
    const sibling = gh.runs.find(
      (run) => run.inputs.role === 'work' && run.inputs.worker === 'W1.2',
    );
    expect(workRuns()[0]?.headSha).not.toBe(stale);
    expect(workRuns()[0]?.headSha).toBe(sibling?.headSha);
    await say('/status');
    expect(workRuns()).toHaveLength(1);
  });

  it('says a merged worker cannot be merged again', async () => {
    await say('/approve');
    const { replies } = await say('/merge W2.1');
    expect(replies.join('\n')).toContain('W2.1 is merged already');
  });

  it('answers a /improve on an issue whose build has started that loops start on a new issue', async () => {
    const before = gh.runs.length;
    const { replies } = await say('/improve 2');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('improvement loops start on an issue with no build');
    expect(gh.runs.length).toBe(before);
  });
});
