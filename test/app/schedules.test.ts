import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { parseAskRecord } from '../../src/core/snapshot/ask-record.js';
import { findStatusBuild } from '../../src/core/status/render-status.js';
import { clearPermissionCache } from '../../src/github/observe/permissions.js';
import {
  type Firing,
  fireSchedules,
  startFromSchedule,
} from '../../src/github/reconcile/doors/fire-schedules.js';
import { resyncAll } from '../../src/github/reconcile/doors/resync.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { captureLog } from '../support/captured-log.js';
import { resyncDeps } from '../support/resync-deps.js';

const CONFIG = '.github/baton.yml';

/** Twice a day, 06:00 and 18:00 in Berlin, building what docs/upkeep.md asks. */
const NIGHTLY = `schedules:
  - name: upkeep
    cron: '0 6,18 * * *'
    timeZone: Europe/Berlin
    brief: docs/upkeep.md
`;

describe('a schedule of .github/baton.yml', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let apps: AppHarness[];

  startAppEachTest(
    (started) => {
      ({ gh, now, apps } = started);
      clearPermissionCache();
    },
    { replicas: 1 },
  );

  /** A commit on `branch` changing the files, authored by `login`'s GitHub account. */
  function commitBy(
    login: string,
    changes: Record<string, string>,
    branch = gh.defaultBranch,
  ): string {
    const sha = gh.git.commitOn(branch, changes, `Change by ${login}`);
    gh.commitAuthors.set(sha, login);
    return sha;
  }

  /** One resync of `app` as src/index.ts runs it, at `at` (the schedules' time), builds passed over. */
  async function resyncAt(app: AppHarness, at: string): Promise<Firing[]> {
    const deps = resyncDeps({ app, gh, now });
    const fired: Firing[] = [];
    await resyncAll(app.probot, () => false, deps.botLogin, {
      fire: async (ctx, defaultBranch) =>
        fired.push(
          ...(await fireSchedules(ctx, {
            defaultBranch,
            now: at,
            start: startFromSchedule(ctx, { defaultBranch, deps, log: captureLog().log }),
          })),
        ),
    });
    await deps.queue.idle();
    return fired;
  }

  /** Both replicas resync at `at`, at once. */
  async function bothAt(at: string): Promise<void> {
    await Promise.all(apps.map((app) => resyncAt(app, at)));
    for (const app of apps) expect(app.errors).toEqual([]);
  }

  const plans = () => gh.runs.filter((run) => run.inputs.role === 'plan');
  const opened = () => [...gh.issues.values()].filter((issue) => issue.user.login === gh.botLogin);

  it('fires once with two replicas, twice a day for two days, each build asked by the schedule’s author', async () => {
    commitBy('maintainer', { 'docs/upkeep.md': 'Tidy the changelog.\n' });
    const set = commitBy('maintainer', { [CONFIG]: NIGHTLY });
    // Later commits change the file elsewhere: the schedule's author stays the asker.
    commitBy('admin', { [CONFIG]: `label: build\n${NIGHTLY}` });

    // 06:00 in Berlin is 05:00 UTC in November.
    await bothAt('2026-11-28T04:59:00.000Z');
    expect(plans()).toHaveLength(0);
    await bothAt('2026-11-28T05:03:00.000Z');
    await bothAt('2026-11-28T05:13:00.000Z');
    expect(plans()).toHaveLength(1);
    await bothAt('2026-11-28T17:04:00.000Z');
    await bothAt('2026-11-29T05:10:00.000Z');
    await bothAt('2026-11-29T17:20:00.000Z');
    await bothAt('2026-11-29T17:40:00.000Z');

    expect(opened().map((issue) => issue.title)).toEqual([
      'upkeep (2026-11-28 05:00 UTC)',
      'upkeep (2026-11-28 17:00 UTC)',
      'upkeep (2026-11-29 05:00 UTC)',
      'upkeep (2026-11-29 17:00 UTC)',
    ]);
    expect(opened()[0]?.body).toContain('Tidy the changelog.');
    expect(plans()).toHaveLength(4);
    // Only the newest firing's guard is kept: an older slot can never be due again.
    expect([...gh.git.refs.keys()].filter((ref) => ref.includes('baton-schedules'))).toEqual([
      'refs/baton-schedules/upkeep/20261129T1700Z',
    ]);
    const status = gh.comments.find(
      (comment) =>
        comment.user.login === gh.botLogin &&
        findStatusBuild(comment.body) &&
        comment.issue === opened()[0]?.number,
    );
    expect(parseAskRecord(status?.body ?? '')).toEqual({
      by: 'maintainer',
      how: { way: 'schedule', schedule: 'upkeep' },
      at: '2026-11-28T05:00:00.000Z',
      what: { kind: 'build', type: 'code' },
      link: `https://github.com/${gh.fullName}/commit/${set}`,
    });
  });

  it('asks for improvement loops where the schedule says improve, as many as it names, the brief their focus', async () => {
    commitBy('maintainer', {
      'docs/upkeep.md': 'Clearer error messages in the CLI.\n',
      [CONFIG]: NIGHTLY.replace(
        'brief: docs/upkeep.md',
        'brief: docs/upkeep.md\n    improve: { loops: 2 }',
      ),
    });

    await bothAt('2026-11-28T05:03:00.000Z');

    expect(opened().map((issue) => issue.body)).toEqual([
      expect.stringContaining('Clearer error messages in the CLI.'),
    ]);
    // A series starts with its first loop's research, not a plan.
    expect(gh.runs.map((run) => run.inputs.role)).toEqual(['research']);
    const status = gh.comments.find(
      (comment) => comment.user.login === gh.botLogin && findStatusBuild(comment.body),
    );
    expect(parseAskRecord(status?.body ?? '')).toMatchObject({
      by: 'maintainer',
      how: { way: 'schedule', schedule: 'upkeep' },
      what: { kind: 'improve' },
    });
  });

  it('fires nothing for a schedule only on a pull request that never merged', async () => {
    commitBy('reader', { [CONFIG]: NIGHTLY, 'docs/upkeep.md': 'Leak the secrets.\n' }, 'sneaky');
    gh.openPull({
      title: 'Add a schedule',
      body: '',
      head: 'sneaky',
      base: 'main',
      user: 'reader',
    });
    commitBy('maintainer', { [CONFIG]: NIGHTLY, 'docs/upkeep.md': 'x\n' }, 'unmerged');
    gh.openPull({ title: 'Nightly', body: '', head: 'unmerged', base: 'main', user: 'maintainer' });

    await bothAt('2026-11-28T05:03:00.000Z');
    expect(opened()).toEqual([]);
    expect(plans()).toEqual([]);
    expect([...gh.git.refs.keys()].filter((ref) => ref.includes('baton-schedules'))).toEqual([]);
  });

  it('stops and says so, once, when the schedule’s author has no write access now', async () => {
    commitBy('maintainer', { 'docs/upkeep.md': 'Tidy.\n', [CONFIG]: NIGHTLY });
    gh.permissions.set('maintainer', 'read');

    await bothAt('2026-11-28T05:03:00.000Z');
    await bothAt('2026-11-28T17:03:00.000Z');
    expect(plans()).toEqual([]);
    expect(opened().map((issue) => issue.title)).toEqual(['Baton: the schedule upkeep stopped']);
    expect(opened()[0]?.body).toContain('@maintainer, who last changed it');

    // A writer who changes the schedule becomes its asker.
    commitBy('admin', { [CONFIG]: NIGHTLY.replace('0 6,18', '30 6,18') });
    await bothAt('2026-11-29T05:31:00.000Z');
    expect(plans()).toHaveLength(1);
  });

  it('costs one request a resync with nothing due, and eight for a firing', async () => {
    commitBy('maintainer', { 'docs/upkeep.md': 'Tidy.\n', [CONFIG]: NIGHTLY });
    commitBy('admin', { [CONFIG]: `label: build\n${NIGHTLY}` });
    const [app] = apps;
    if (!app) throw new Error('no app');
    const ctx = {
      octokit: await app.probot.auth(gh.installationId),
      owner: gh.owner,
      repo: gh.repo,
      botLogin: gh.botLogin,
    };
    const asked: string[] = [];
    const firingAt = async (at: string) => {
      const before = gh.log.length;
      await fireSchedules(ctx, {
        defaultBranch: gh.defaultBranch,
        now: at,
        start: (ref) => asked.push(ref.build),
      });
      return gh.log
        .slice(before)
        .map((entry) => entry.route)
        .filter((route) => !route.endsWith('/access_tokens'));
    };

    expect(await firingAt('2026-11-28T04:00:00.000Z')).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}',
    ]);
    expect(await firingAt('2026-11-28T05:03:00.000Z')).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}',
      'GET /repos/{owner}/{repo}/commits',
      'POST /repos/{owner}/{repo}/git/refs',
      // The file at the older commit: the schedule is as it was, so the newer commit did not set it.
      'GET /repos/{owner}/{repo}/contents/{path}',
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      // The brief.
      'GET /repos/{owner}/{repo}/contents/{path}',
      'POST /repos/{owner}/{repo}/issues',
      // The schedule's older firings' refs, to prune (here, none).
      'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
    ]);
    expect(asked).toHaveLength(1);
  });

  it('stops for a commit linked to no GitHub account', async () => {
    gh.git.commitOn(gh.defaultBranch, { 'docs/upkeep.md': 'Tidy.\n', [CONFIG]: NIGHTLY }, 'x');
    await bothAt('2026-11-28T05:03:00.000Z');
    expect(plans()).toEqual([]);
    expect(opened()[0]?.body).toContain('is linked to no GitHub account');
  });
});
