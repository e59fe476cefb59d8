import { describe, expect, it } from 'vitest';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { startSetApp } from '../support/app-tests.js';
import { statusBody } from '../support/builds.js';
import {
  driveSet,
  LIB,
  SET_BUILD,
  SET_MEMBER,
  type SetRepos,
  setScripts,
} from '../support/change-sets.js';
import { batonReviewsOf, type SessionScript } from '../support/scripted-sessions.js';

/**
 * Who steers a change set (docs/security.md, "Change sets"): carol may write
 * the issue's repository (acme/service) and the client, but only read the
 * library. She steers nothing in the library, and nothing of the set that
 * reaches it.
 */
async function started(script: Partial<SessionScript> = {}) {
  const { repos, app } = await startSetApp({
    prepare: (set) => {
      for (const gh of set.all) gh.permissions.set('carol', gh === set.lib ? 'read' : 'write');
    },
  });
  const scripts = setScripts(repos, script);
  const issue = repos.service.openIssue({ title: 'Rename fetch to get', labels: ['orchestrate'] });
  const drive = () => driveSet({ repos, apps: [app], scripts });
  const say = async (body: string, user: string) => {
    const comment = repos.service.addComment({ issue, body, user });
    await drive();
    return comment;
  };
  const label = async (user: string) => {
    repos.service.events.labeled(issue, 'orchestrate', user);
    await drive();
  };
  return { repos, app, issue, drive, say, label };
}

type Started = Awaited<ReturnType<typeof started>>;

/** Runs `body` on a set started with `script`; the app stops when the test ends, whatever happens. */
async function withSet(script: Partial<SessionScript>, body: (run: Started) => Promise<void>) {
  await body(await started(script));
}

/** The library's first attempt fails: a /retry would start it again. */
const LIB_FAILS_FIRST: Partial<SessionScript> = {
  work: (worker, attempt) => (worker === 'W1.1' && attempt === 1 ? 'fail' : 'deliver'),
};

/** Every run of the set in a repository, as `role worker`. */
function runs(repos: SetRepos, gh = repos.lib): string[] {
  return gh.runs
    .filter((run) => run.inputs.build === SET_MEMBER)
    .map((run) => `${run.inputs.role} ${run.inputs.worker || '-'}`);
}

/** The library worker's pull request, once there is one. */
function libPull(lib: SetRepos['lib']) {
  return [...lib.pulls.values()].find((p) => p.head === workerBranch(SET_MEMBER, 'W1.1'));
}

function replies(repos: SetRepos): string[] {
  return repos.service.comments
    .filter((c) => c.user.login === repos.service.botLogin && !c.body.includes('baton:status'))
    .map((c) => c.body);
}

describe('a change set is steered only by writers of the repositories it concerns', () => {
  it('plans for the issue’s repository alone when the labeller cannot write every listed one', () =>
    withSet({}, async (run) => {
      await run.label('carol');
      const plan = run.repos.service.runs.find((r) => r.inputs.role === 'plan');
      expect(plan?.inputs.views).toBeUndefined();
      await run.say('/approve', 'maintainer');
      expect(run.repos.lib.git.resolve(integrationBranch(SET_MEMBER))).toBeNull();
      expect(runs(run.repos)).toEqual([]);
      expect(statusBody(run.repos.service, SET_BUILD)).toContain(
        'this build is planned for acme/service alone',
      );
    }));

  it('takes /approve only from someone who can write every repository the plan touches', () =>
    withSet({}, async (run) => {
      await run.label('maintainer');
      const approve = await run.say('/approve', 'carol');
      // Refused on the read it would act on: no 👀.
      expect(approve.reactions).toEqual([]);
      expect(run.repos.lib.git.resolve(integrationBranch(SET_MEMBER))).toBeNull();
      expect(runs(run.repos)).toEqual([]);
      expect(replies(run.repos).join('\n')).toContain('carol cannot write `acme/lib`');
    }));

  it('takes a command on the issue for a library worker only from a writer of the library', () =>
    withSet(LIB_FAILS_FIRST, async (run) => {
      await run.label('maintainer');
      await run.say('/approve', 'maintainer');
      expect(runs(run.repos)).toEqual(['plan -', 'work W1.1']);
      const retry = await run.say('/retry W1.1', 'carol');
      const skip = await run.say('/skip W1.1', 'carol');
      expect([...retry.reactions, ...skip.reactions]).toEqual([]);
      expect(runs(run.repos)).toEqual(['plan -', 'work W1.1']);
      expect(runs(run.repos, run.repos.service).filter((r) => r.startsWith('work'))).toEqual([]);
      expect(replies(run.repos).join('\n')).toContain(
        'W1.1 runs in `acme/lib`, which carol cannot write',
      );
      const taken = await run.say('/retry W1.1', 'maintainer');
      expect(taken.reactions.map((reaction) => reaction.content)).toEqual(['eyes']);
      // The retry ran: W1.1 delivered, and its run reviewed the library's pull request.
      expect(runs(run.repos)).toEqual(['plan -', 'work W1.1', 'work W1.1']);
      expect(batonReviewsOf(run.repos.lib, SET_MEMBER, 'W1.1')).toHaveLength(1);
    }));

  it('counts no review of a library pull request by someone who cannot write the library', () =>
    withSet({}, async (run) => {
      await run.label('maintainer');
      // carol asks for changes on the library's worker before Baton's review lands.
      const lib = run.repos.lib;
      const unreviewed = setScripts(run.repos, { review: () => 'approve' });
      run.repos.service.addComment({ issue: run.issue, body: '/approve', user: 'maintainer' });
      for (let round = 0; round < 6; round++) {
        const pull = libPull(lib);
        if (pull && !lib.reviews.some((r) => r.user.login === 'carol')) {
          lib.addReview({
            pull: pull.number,
            user: 'carol',
            body: 'No: keep fetch.',
            state: 'CHANGES_REQUESTED',
            commitId: lib.git.resolve(pull.head) ?? '',
            comments: [],
          });
        }
        await driveSet({
          repos: run.repos,
          apps: [run.app],
          scripts: unreviewed,
          maxRounds: 1,
        }).catch(() => {});
      }
      await run.drive();
      const pull = libPull(lib);
      expect(lib.reviews.some((r) => r.user.login === 'carol')).toBe(true);
      // Her request for changes started no fix: Baton's approval merged the worker as it was.
      expect(runs(run.repos).filter((r) => r.startsWith('fix'))).toEqual([]);
      expect(pull?.mergedAt).not.toBeNull();
    }));

  it('refuses a command on a library pull request from someone who cannot write the library', () =>
    withSet(LIB_FAILS_FIRST, async (run) => {
      await run.label('maintainer');
      await run.say('/approve', 'maintainer');
      await run.say('/retry W1.1', 'maintainer');
      const lib = run.repos.lib;
      const pull = libPull(lib);
      if (!pull) throw new Error('no pull request of W1.1');
      const skip = lib.addComment({ issue: pull.number, body: '/skip', user: 'carol' });
      await run.drive();
      expect(skip.reactions).toEqual([]);
      expect(statusBody(run.repos.service, SET_BUILD)).not.toMatch(/W1\.1[^\n]*skipped/);
      expect(
        lib.comments.some((c) => c.body.includes('carol') && c.user.login === lib.botLogin),
      ).toBe(true);
      expect(LIB).toBe(lib.fullName);
    }));
});
