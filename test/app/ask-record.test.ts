import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { parseAskRecord, renderAskRecord } from '../../src/core/snapshot/ask-record.js';
import { statusMarker } from '../../src/core/status/render-status.js';
import { findNotice } from '../../src/core/vocabulary/notice.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD } from '../support/builds.js';
import { doubledAndShuffled, driveBuild, makeScript } from '../support/scripted-sessions.js';

/**
 * The ask that started a build is recorded once, in Baton's status comment,
 * whichever way it came (`askForBuild`: a label, `/improve`), and read back
 * from there: not from the label's event, which anyone with triage adds again
 * and a way that is no label does not leave.
 */
describe('the record of a build’s ask', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let apps: AppHarness[];

  // Two replicas of the app on the same GitHub: each delivery goes to both of them.
  startAppEachTest((started) => ({ gh, now, apps } = started), {
    replicas: 1,
    prepare: (repo) => {
      repo.permissions.set('octo-writer', 'write');
      repo.permissions.set('mallory', 'read');
    },
  });

  /** Every pending webhook, twice over, to each replica at once. */
  async function deliverToBoth(seed: number): Promise<void> {
    const batch = doubledAndShuffled(seed)(gh.outbox.splice(0));
    await Promise.all(apps.map((app) => app.deliverAll(batch)));
    for (const app of apps) expect(app.errors).toEqual([]);
  }

  function statusComments() {
    return gh.comments.filter(
      (comment) => comment.user.login === gh.botLogin && comment.body.includes('baton:status'),
    );
  }

  function askLines(): string[] {
    return gh.comments.flatMap((comment) =>
      comment.body.split('\n').filter((line) => line.startsWith('<!-- baton:ask ')),
    );
  }

  function notices(): { key: string; body: string }[] {
    return gh.comments.flatMap((comment) => {
      const notice = findNotice(comment.body);
      return notice?.build === BUILD ? [{ key: notice.key, body: comment.body }] : [];
    });
  }

  function labelIssue(issue: number, label: string, by: string): void {
    gh.issues.get(issue)?.labels.push(label);
    gh.events.labeled(issue, label, by);
  }

  it('keeps who asked by /improve, and tells them, not a writer who labelled the issue since', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login' });
    const comment = gh.addComment({ issue, body: '/improve 2', user: 'maintainer' });
    await deliverToBoth(1);

    // One status comment, one record: the comment's delivery came four times over two replicas.
    expect(statusComments()).toHaveLength(1);
    expect(parseAskRecord(statusComments()[0]?.body ?? '')).toMatchObject({
      by: 'maintainer',
      how: { way: 'command', comment: comment.id },
      what: { kind: 'improve' },
    });

    // Another writer labels the issue while the series runs: the build is looked at again.
    labelIssue(issue, 'orchestrate', 'octo-writer');
    // Loop 1's research fails (the script plays no research), which a person must hear of.
    await driveBuild({ gh, apps, script: makeScript(), delivery: doubledAndShuffled(2) });
    for (const app of apps) expect(app.errors).toEqual([]);

    const failed = notices().filter((notice) => notice.key.startsWith('research-failed'));
    expect(failed).toHaveLength(1);
    expect(failed[0]?.body.split('\n')[1]).toMatch(/^@maintainer ❌ Loop 1's research session/);
    expect(failed[0]?.body).not.toContain('@octo-writer');
    expect(askLines()).toHaveLength(1);
  });

  it('records one ask when two writers label the issue at once', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login' });
    labelIssue(issue, 'orchestrate', 'maintainer');
    labelIssue(issue, 'orchestrate', 'octo-writer');
    await deliverToBoth(3);

    expect(statusComments()).toHaveLength(1);
    expect(askLines()).toHaveLength(1);
    const record = parseAskRecord(statusComments()[0]?.body ?? '');
    expect(['maintainer', 'octo-writer']).toContain(record?.by);
    expect(record).toMatchObject({ how: { way: 'label', label: 'orchestrate' } });
  });

  it('asks who labelled first for the final PR’s review, not a writer who labelled it again', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login' });
    labelIssue(issue, 'orchestrate', 'maintainer');
    await deliverToBoth(4);
    labelIssue(issue, 'orchestrate', 'octo-writer');

    // The plan, `/approve`, the workers: the final PR asks the recorded asker for a review.
    const drive = () =>
      driveBuild({ gh, apps, script: makeScript(), delivery: doubledAndShuffled(4), burst: true });
    await drive();
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await drive();
    for (const app of apps) expect(app.errors).toEqual([]);
    const final = [...gh.pulls.values()].find((pull) => pull.head === `baton/${BUILD}/integration`);
    expect(final?.requestedReviewers).toEqual(['maintainer']);
    expect(askLines()).toHaveLength(1);
  });

  it('ignores a record someone other than the app wrote', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login' });
    // A comment spelling Baton's status comment and a record of an ask by its author.
    const forged = renderAskRecord({
      by: 'mallory',
      how: { way: 'label', label: 'orchestrate' },
      at: now(),
      what: { kind: 'build', type: 'code' },
    });
    gh.addComment({ issue, body: `${statusMarker(BUILD)}\n${forged}\nBuilding.`, user: 'mallory' });
    gh.outbox.splice(0);
    labelIssue(issue, 'orchestrate', 'maintainer');
    await deliverToBoth(5);

    expect(statusComments()).toHaveLength(1);
    expect(parseAskRecord(statusComments()[0]?.body ?? '')?.by).toBe('maintainer');
    const drive = () =>
      driveBuild({ gh, apps, script: makeScript(), delivery: doubledAndShuffled(6), burst: true });
    await drive();
    const planReady = notices().find((notice) => notice.key.startsWith('plan-ready'));
    expect(planReady?.body.split('\n')[1]).toMatch(/^@maintainer 📋/);
  });
});
