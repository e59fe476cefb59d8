// Fast: the chaos invariants (sim/chaos/invariants.ts) against an in-memory
// simulated GitHub, each case breaking one of them.
import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../sim/chaos/invariants.js';
import { SAYS_WHY } from '../../sim/chaos/says-why.js';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { botNoReplyEmail } from '../../sim/github/routes/routes-pulls.js';
import { renderVerdictMarker } from '../../src/core/sessions/verdict-marker.js';
import { renderStatus } from '../../src/core/status/render-status.js';
import {
  completionPath,
  integrationBranch,
  planPath,
  workerBranch,
} from '../../src/core/vocabulary/ids.js';
import { makeRunningView, makeWorkerRow } from '../core/factories.js';
import { installedRepo, tickingClock } from '../support/builds.js';

const BUILD = '1-add-oauth-login';
const STATUS = '<!-- baton:status build=1-add-oauth-login -->';

function playedRepo(): FakeGitHub {
  const gh = installedRepo(tickingClock());
  const base = gh.git.resolve(gh.defaultBranch) ?? '';
  gh.setBranch(integrationBranch(BUILD), base);
  gh.git.commitOn(integrationBranch(BUILD), {
    [planPath(BUILD)]: JSON.stringify({ workers: [] }),
  });
  return gh;
}

function logStatusComment(gh: FakeGitHub): void {
  gh.log.push({
    route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    status: 201,
    method: 'POST',
    path: `/repos/${gh.fullName}/issues/1/comments`,
    body: { body: STATUS },
  });
}

function openFinal(gh: FakeGitHub, body: string): void {
  gh.openPull({
    title: 'final',
    body,
    head: integrationBranch(BUILD),
    base: gh.defaultBranch,
    user: gh.botLogin,
  });
}

const check = (gh: FakeGitHub, personComments = ['/approve']) =>
  checkInvariants({ gh, issue: 1, build: BUILD, completed: true, personComments });

describe('the chaos invariants', () => {
  it('hold for one status comment and one final PR that closes the issue', () => {
    const gh = playedRepo();
    logStatusComment(gh);
    openFinal(gh, 'Closes #1');
    expect(check(gh)).toEqual(['a plan on the build branch']);
  });

  it.each([
    {
      rule: 'one status comment',
      play: (gh: FakeGitHub) => {
        logStatusComment(gh);
        logStatusComment(gh);
        openFinal(gh, 'Closes #1');
      },
      people: ['/approve'],
      broken: 'one status comment (created 2)',
    },
    {
      rule: 'one final PR with Closes',
      play: (gh: FakeGitHub) => {
        logStatusComment(gh);
        openFinal(gh, 'The build.');
      },
      people: ['/approve'],
      broken: 'one final PR with Closes #1 (1)',
    },
    {
      rule: 'no person but the /approve',
      play: (gh: FakeGitHub) => {
        logStatusComment(gh);
        openFinal(gh, 'Closes #1');
      },
      people: ['/approve', '/retry W1.1'],
      broken: 'the build completes without a person (/retry W1.1)',
    },
  ])('catch a build that breaks "$rule"', ({ play, people, broken }) => {
    const gh = playedRepo();
    play(gh);
    expect(check(gh, people)).toContain(broken);
  });

  it.each([
    { released: true, broken: false },
    { released: false, broken: true },
  ])(
    'count a worker branch taken again after its lock was released as one creation (released: $released)',
    ({ released, broken }) => {
      const gh = installedRepo(tickingClock());
      const base = gh.git.resolve(gh.defaultBranch) ?? '';
      gh.setBranch(integrationBranch(BUILD), base);
      gh.git.commitOn(integrationBranch(BUILD), {
        [planPath(BUILD)]: JSON.stringify({ workers: [{ id: 'W1.1', depends_on: [] }] }),
      });
      const branch = workerBranch(BUILD, 'W1.1');
      const log = (route: string, path: string, body: Record<string, unknown> = {}) =>
        gh.log.push({ route, status: 201, method: route.split(' ')[0] ?? 'POST', path, body });
      const create = () =>
        log('POST /repos/{owner}/{repo}/git/refs', `/repos/${gh.fullName}/git/refs`, {
          ref: `refs/heads/${branch}`,
          sha: base,
        });
      // The first dispatch refused, its lock released; the next reconcile takes it and dispatches.
      create();
      if (released)
        log(
          'DELETE /repos/{owner}/{repo}/git/refs/{ref}',
          `/repos/${gh.fullName}/git/refs/${encodeURIComponent(`heads/${branch}`)}`,
        );
      create();
      log(
        'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
        `/repos/${gh.fullName}/actions/workflows/baton.yml/dispatches`,
        { inputs: { build: BUILD, role: 'work', worker: 'W1.1', trigger: '' } },
      );
      const created = check(gh).filter((rule) => rule.startsWith('W1.1: branch created once'));
      expect(created).toEqual(
        broken ? ['W1.1: branch created once per attempt (2 for 1, 0 released)'] : [],
      );
    },
  );

  /**
   * W1.1 reviewed and approved at one head, then merged at a merge of the
   * build branch into it: GitHub's update-branch merge for the app carries the
   * verdict; the same merge with GitHub's message made by a person does not.
   */
  function mergedAfterUpdate(merge: { author: string; signed: boolean }): FakeGitHub {
    const gh = installedRepo(tickingClock());
    const base = gh.git.resolve(gh.defaultBranch) ?? '';
    gh.setBranch(integrationBranch(BUILD), base);
    const built = gh.git.commitOn(integrationBranch(BUILD), {
      [planPath(BUILD)]: JSON.stringify({ workers: [{ id: 'W1.1', depends_on: [] }] }),
    });
    gh.setBranch(workerBranch(BUILD, 'W1.1'), built);
    const reviewed = gh.git.commitOn(workerBranch(BUILD, 'W1.1'), {
      [completionPath(BUILD, 'W1.1')]: '{}',
      'src/a.ts': 'a',
    });
    const moved = gh.git.commitOn(integrationBranch(BUILD), { 'src/b.ts': 'b' });
    const head = gh.git.merge({
      ours: reviewed,
      theirs: moved,
      message: `Merge branch '${integrationBranch(BUILD)}' into ${workerBranch(BUILD, 'W1.1')}`,
      author: { name: 'someone', email: merge.author },
      signed: merge.signed,
    });
    gh.setBranch(workerBranch(BUILD, 'W1.1'), head);
    const pull = gh.openPull({
      title: 'W1.1',
      body: '',
      head: workerBranch(BUILD, 'W1.1'),
      base: integrationBranch(BUILD),
      user: gh.botLogin,
    });
    const log = (route: string, path: string, body: Record<string, unknown>) =>
      gh.log.push({ route, status: 200, method: route.split(' ')[0] ?? 'POST', path, body });
    log(
      'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      `/repos/${gh.fullName}/pulls/${pull.number}/reviews`,
      { commit_id: reviewed, body: renderVerdictMarker({ verdict: 'approve', costUsd: 0 }) },
    );
    gh.git.commitOn(integrationBranch(BUILD), {
      [completionPath(BUILD, 'W1.1')]: '{}',
    });
    log(
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge',
      `/repos/${gh.fullName}/pulls/${pull.number}/merge`,
      { sha: head },
    );
    return gh;
  }

  it('take a first attempt dispatched twice (replicas that share no store) only where its twin asks no model', () => {
    const gh = playedRepo();
    gh.git.commitOn(integrationBranch(BUILD), {
      [planPath(BUILD)]: JSON.stringify({ workers: [{ id: 'W1.1', depends_on: [] }] }),
    });
    const dispatch = (trigger?: string) =>
      gh.log.push({
        route: 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
        status: 204,
        method: 'POST',
        path: `/repos/${gh.fullName}/actions/workflows/baton.yml/dispatches`,
        body: {
          ref: integrationBranch(BUILD),
          inputs: { build: BUILD, role: 'work', worker: 'W1.1', ...(trigger ? { trigger } : {}) },
        },
      });
    dispatch();
    dispatch();
    const judge = (sessions: number) =>
      checkInvariants({
        gh,
        issue: 1,
        build: BUILD,
        completed: true,
        personComments: ['/approve'],
        modelCalls: Array.from({ length: sessions }, () => ({
          role: 'work',
          pr: null,
          turn: 0,
          at: 0,
        })),
      }).filter(
        (failure) => failure.includes('dispatch per attempt') || failure.includes('asks the model'),
      );
    expect(judge(1)).toEqual([]);
    expect(judge(2)).toEqual([
      "a worker's attempt asks the model from one session (2 sessions for 1 attempts)",
    ]);
    // A retry is no first attempt: it takes a lock, and a second dispatch of it is one too many.
    dispatch('retry-7');
    dispatch('retry-7');
    expect(judge(2)).toEqual(['W1.1: one dispatch per attempt (twice: retry-7)']);
  });

  it('catch a review posted, or a review session asking the model, after its pull request merged', () => {
    const gh = installedRepo(tickingClock());
    const played = mergedAfterUpdate({ author: botNoReplyEmail(gh.botLogin), signed: true });
    const pull = [...played.pulls.values()][0]?.number ?? 0;
    const merged = played.log.length;
    const late = (failure: string) => failure.startsWith(`#${pull}: no review`);
    const before = { role: 'review', pr: pull, turn: 0, at: merged - 1 };
    const judge = (modelCalls: { role: string; pr: number; turn: number; at: number }[]) =>
      checkInvariants({
        gh: played,
        issue: 1,
        build: BUILD,
        completed: true,
        personComments: ['/approve'],
        modelCalls,
      }).filter(late);
    expect(judge([before])).toEqual([]);
    // A twin run's session asks the model after the merge and posts its review on the merged PR.
    const after = { role: 'review', pr: pull, turn: 0, at: merged + 1 };
    played.log.push({
      route: 'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      status: 200,
      method: 'POST',
      path: `/repos/${played.fullName}/pulls/${pull}/reviews`,
      body: {
        commit_id: 'f'.repeat(40),
        body: renderVerdictMarker({ verdict: 'approve', costUsd: 0 }),
      },
    });
    expect(judge([before, after, { ...after, turn: 1 }])).toEqual([
      `#${pull}: no review posted after it merged (1 posted)`,
      `#${pull}: no review session asks the model after it merged (1 did)`,
    ]);
  });

  it("take a verdict to the head only GitHub's update-branch merge for the app made", () => {
    const verdictBroken = (gh: FakeGitHub) =>
      check(gh).filter((failure) => failure.startsWith('W1.1: merged after an approve verdict'));
    const gh = installedRepo(tickingClock());
    expect(
      verdictBroken(mergedAfterUpdate({ author: botNoReplyEmail(gh.botLogin), signed: true })),
    ).toEqual([]);
    expect(
      verdictBroken(mergedAfterUpdate({ author: 'someone@example.com', signed: true })),
    ).toHaveLength(1);
    expect(
      verdictBroken(mergedAfterUpdate({ author: botNoReplyEmail(gh.botLogin), signed: false })),
    ).toHaveLength(1);
  });

  it('catch a build that neither delivered nor says on its status why', () => {
    const silent = (status: string | null) => {
      const gh = playedRepo();
      if (status !== null) gh.addComment({ issue: 1, body: status, user: gh.botLogin });
      return checkInvariants({
        gh,
        issue: 1,
        build: BUILD,
        completed: false,
        personComments: ['/approve'],
      }).filter((failure) => failure.includes(SAYS_WHY));
    };
    const status = (state: 'working' | 'needs-human') =>
      renderStatus({
        ...makeRunningView({
          build: BUILD,
          workers: [
            makeWorkerRow({ id: 'W1.1', state: 'merged' }),
            makeWorkerRow({
              id: 'W1.2',
              state,
              note: state === 'working' ? null : 'GitHub requires a review',
            }),
          ],
        }),
        build: BUILD,
      });
    expect(silent(null)).toHaveLength(1);
    expect(silent(status('working'))).toHaveLength(1);
    expect(silent(status('needs-human'))).toEqual([]);
  });
});
