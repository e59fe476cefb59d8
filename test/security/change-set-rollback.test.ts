import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { AppHarness } from '../support/app-harness.js';
import { startSetApp } from '../support/app-tests.js';
import { statusBody } from '../support/builds.js';
import {
  changeSetCheck,
  driveSet,
  driveSetIssue,
  finalPullOf,
  mergeAsPerson,
  SET_BUILD,
  SET_MEMBER,
  type SetRepos,
  setScripts,
} from '../support/change-sets.js';
import { type ManualLooks, manualLooks } from '../support/manual-looks.js';

/**
 * `/rollback` of a change set (docs/security.md, "Change sets") reverts every
 * repository whose final pull request merged and holds every one that did
 * not: it acts in every repository of the set, whenever it is given. dana can
 * write two of the three repositories and only read the third; her
 * `/rollback` changes nothing and gets no 👀 whether it comes before, with or
 * after the last final pull request's merge, read by one reconcile or by two.
 */
type Reader = 'client' | 'lib';

async function landedButLast(reads: Reader, looks?: ManualLooks) {
  const { repos, app } = await startSetApp({
    prepare: (set) => {
      for (const gh of set.all) gh.permissions.set('dana', gh === set[reads] ? 'read' : 'write');
    },
    ...(looks ? { looks: looks.schedule } : {}),
  });
  const scripts = setScripts(repos);
  const issue = await driveSetIssue({ repos, app, scripts });
  const drive = () => driveSet({ repos, apps: [app], scripts });
  // The library's and the service's final pull requests merge; the client's is released.
  for (const gh of [repos.lib, repos.service]) {
    expect(mergeAsPerson(gh, finalPullOf(gh)?.number ?? 0).status).toBe(200);
    await drive();
  }
  return { repos, app, issue, drive };
}

/** Every revert pull request of the set, as `repository state`. */
function reverts(repos: SetRepos): string[] {
  return repos.all.flatMap((gh) =>
    [...gh.pulls.values()]
      .filter((pull) => pull.head === `baton/${SET_MEMBER}/revert`)
      .map((pull) => `${gh.fullName} ${pull.state}`),
  );
}

/** Delivers every repository's waiting webhooks at once: the app reads them in one reconcile. */
async function deliverTogether(repos: SetRepos, app: AppHarness): Promise<void> {
  await app.deliverAll(repos.all.flatMap((gh) => gh.outbox.splice(0)));
}

function mergeClientFinal(repos: SetRepos): void {
  const client = finalPullOf(repos.client)?.number ?? 0;
  expect(changeSetCheck(repos.client, client)).toBe('success');
  expect(mergeAsPerson(repos.client, client).status).toBe(200);
}

function replies(gh: FakeGitHub): string {
  return gh.comments
    .filter((c) => c.user.login === gh.botLogin && !c.body.includes('baton:status'))
    .map((c) => c.body)
    .join('\n');
}

const TIMINGS = [
  'before the last final pull request merges',
  'as it merges, read by one reconcile',
  'as it merges, read by two reconciles',
  'after it merged',
] as const;

describe('/rollback from someone who cannot write every repository of the set', () => {
  it.each(
    (['client', 'lib'] as const).flatMap((reads) =>
      TIMINGS.map((timing) => [reads, timing] as const),
    ),
  )('changes nothing from a reader of acme/%s, given %s', async (reads, timing) => {
    const { repos, app, issue, drive } = await landedButLast(reads);
    const say = () => repos.service.addComment({ issue, body: '/rollback', user: 'dana' });
    let rollback: ReturnType<typeof say>;
    switch (timing) {
      case 'before the last final pull request merges':
        rollback = say();
        await drive();
        mergeClientFinal(repos);
        await drive();
        break;
      case 'as it merges, read by one reconcile':
        mergeClientFinal(repos);
        rollback = say();
        await deliverTogether(repos, app);
        await drive();
        break;
      case 'as it merges, read by two reconciles':
        rollback = say();
        mergeClientFinal(repos);
        await drive();
        break;
      case 'after it merged':
        mergeClientFinal(repos);
        await drive();
        rollback = say();
        await drive();
        break;
    }
    expect(rollback.reactions).toEqual([]);
    expect(reverts(repos)).toEqual([]);
    expect(finalPullOf(repos.client)?.mergedAt).not.toBeNull();
    expect(statusBody(repos.service, SET_BUILD)).not.toContain('Rolled back');
    expect(replies(repos.service)).toContain(`dana cannot write \`acme/${reads}\``);
    expect(app.errors).toEqual([]);
  });

  it('is taken on the next try when the reconcile that judged it failed before its 👀', async () => {
    const looks = manualLooks();
    const { repos, app, issue, drive } = await landedButLast('client', looks);
    mergeClientFinal(repos);
    await drive();
    // GitHub fails the 👀 once: the reconcile that judged the comment fails with it.
    const route = 'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions';
    repos.service.faults.push({ route, response: { status: 502, body: {} }, unrouted: true });
    const rollback = repos.service.addComment({ issue, body: '/rollback', user: 'maintainer' });
    await drive();
    expect(repos.service.faults).toEqual([]);
    expect(rollback.reactions).toEqual([]);
    app.errors.splice(0);
    // The build's next look tries again, with the comment still waiting for its 👀.
    expect(looks.next()).toBe(true);
    await app.idle();
    await drive();
    expect(rollback.reactions.map((r) => r.content)).toEqual(['eyes']);
    expect(reverts(repos)).toHaveLength(3);
    expect(app.errors).toEqual([]);
  });

  it('is taken from a writer of every repository, with its 👀, and reverts each', async () => {
    const { repos, app, issue, drive } = await landedButLast('client');
    mergeClientFinal(repos);
    await drive();
    const rollback = repos.service.addComment({ issue, body: '/rollback', user: 'maintainer' });
    await drive();
    expect(rollback.reactions.map((r) => `${r.login} ${r.content}`)).toEqual([
      `${repos.service.botLogin} eyes`,
    ]);
    expect(reverts(repos).sort()).toEqual(
      ['acme/client open', 'acme/lib open', 'acme/service open'].sort(),
    );
    expect(statusBody(repos.service, SET_BUILD)).toContain('Rolled back');
    expect(app.errors).toEqual([]);
  });
});
