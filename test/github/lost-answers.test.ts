import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { Action } from '../../src/core/context/action.js';
import { renderMirrorBody } from '../../src/core/rules/sub-issues.js';
import type { BuildSnapshot } from '../../src/core/snapshot/snapshot.js';
import { briefPath, integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { findNotice, noticeKey, noticeMarker } from '../../src/core/vocabulary/notice.js';
import { type ActLog, act } from '../../src/github/act/act.js';
import { mirrorLockRef } from '../../src/github/act/ensure-mirror.js';
import { noticeLockRef } from '../../src/github/act/ensure-note.js';
import { BUILD, makeSnapshot } from '../core/factories.js';
import { mountEachTest } from '../support/app-tests.js';
import { installedRepo, tickingClock } from '../support/builds.js';
import { repoContextOn } from '../support/mount-nock.js';
import { CREATE_ISSUE, DISPATCH } from '../support/rest-routes.js';

const CREATE_REF = 'POST /repos/{owner}/{repo}/git/refs';
const COMMENT = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';

/**
 * The app's retry policy on, as in production: GitHub makes the write, and its
 * answer is lost on the way (a fault answers after the route ran).
 */
describe('a one-shot write whose answer is lost is not sent again', () => {
  let gh: FakeGitHub;
  mountEachTest(
    (repo) => {
      gh = repo;
    },
    () => installedRepo(tickingClock()),
  );

  const errors: string[] = [];
  const log: ActLog = { info: () => {}, warn: () => {}, error: (_obj, msg) => errors.push(msg) };
  const loseNextAnswer = (route: string, { unrouted = false } = {}) =>
    gh.faults.push({
      route,
      response: { status: 502, body: { message: 'Server Error' } },
      ...(unrouted ? { unrouted } : {}),
    });

  /** A planned build on the simulated repository: its issue and its build branch. */
  function planned(): BuildSnapshot {
    errors.length = 0;
    const issue = gh.openIssue({ title: 'Add login', labels: ['orchestrate'] });
    const sha = gh.git.commitOn(integrationBranch(BUILD), { 'plan.json': '{}' }, 'Plan');
    const base = makeSnapshot();
    return makeSnapshot({
      issue: { ...base.issue, number: issue, subIssues: [] },
      repo: { ...base.repo, defaultSha: gh.git.resolve(gh.defaultBranch) ?? '' },
      integration: { sha, containsDefault: true },
    });
  }

  const actOnce = async (snapshot: BuildSnapshot, action: Action) => {
    const [outcome] = await act(repoContextOn(gh, { retries: true }), {
      snapshot,
      actions: [action],
      log,
    });
    return outcome;
  };

  const firstDispatch = (snapshot: BuildSnapshot): Action => ({
    kind: 'dispatch',
    request: { role: 'work', build: BUILD, issue: snapshot.issue.number, worker: 'W1.1' },
    chain: 1,
  });
  /** A `/retry`'s attempt: it takes a lock ref, and starts the worker's branch over. */
  const RETRY = 'comment-5';
  const retryDispatch = (snapshot: BuildSnapshot): Action => ({
    kind: 'dispatch',
    request: {
      role: 'work',
      build: BUILD,
      issue: snapshot.issue.number,
      worker: 'W1.1',
      trigger: RETRY,
    },
    chain: 1,
  });
  const retryLock = `refs/baton/${BUILD}/W1.1/work-${RETRY}`;
  const runs = () => gh.runs.filter((run) => run.inputs.worker === 'W1.1');

  it('dispatches a session once: the run GitHub made is found by its name, keeps its lock, and the next pass stands down', async () => {
    const snapshot = planned();
    const dispatch = retryDispatch(snapshot);
    loseNextAnswer(DISPATCH);
    const first = await actOnce(snapshot, dispatch);
    expect(first?.result).toBe('done');
    expect(runs()).toHaveLength(1);
    expect(first?.run?.id).toBe(runs()[0]?.id);
    // The lock stays, and the worker's branch (which the run checks out) starts from the build branch.
    expect(gh.git.resolve(retryLock)).not.toBeNull();
    expect(gh.git.resolve(workerBranch(BUILD, 'W1.1'))).toBe(snapshot.integration?.sha);
    // A pass that does not list the run yet decides the dispatch again: the lock holds it.
    const again = await actOnce(snapshot, dispatch);
    expect(again?.result).toBe('stood-down');
    expect(runs()).toHaveLength(1);
  });

  it('sends a dispatch again when a lost answer left no run: the request never reached GitHub', async () => {
    const snapshot = planned();
    loseNextAnswer(DISPATCH, { unrouted: true });
    const first = await actOnce(snapshot, retryDispatch(snapshot));
    expect(first?.result).toBe('done');
    expect(runs()).toHaveLength(1);
    // Its lock was made once and kept.
    const made = gh.log.filter(
      (entry) =>
        entry.route === CREATE_REF &&
        entry.status === 201 &&
        (entry.body as { ref?: string }).ref === retryLock,
    );
    expect(made).toHaveLength(1);
  });

  it('gives its lock up after its last send leaves no run, so the next pass starts the worker, once', async () => {
    const snapshot = planned();
    const dispatch = retryDispatch(snapshot);
    for (let send = 0; send < 3; send++) loseNextAnswer(DISPATCH, { unrouted: true });
    const first = await actOnce(snapshot, dispatch);
    expect(first?.result).toBe('failed');
    expect(first?.detail).toMatch(/no run of it is listed/);
    expect(runs()).toHaveLength(0);
    expect(gh.git.resolve(retryLock)).toBeNull();
    expect((await actOnce(snapshot, dispatch))?.result).toBe('done');
    expect(runs()).toHaveLength(1);
  });

  it('makes no ref for a worker’s first attempt: it runs on the build branch, a lost answer’s run is found by its name, and sends that never reached GitHub are made good by the next pass, once', async () => {
    const snapshot = planned();
    const dispatch = firstDispatch(snapshot);
    const refsMade = () => gh.log.filter((entry) => entry.route === CREATE_REF);
    for (let send = 0; send < 3; send++) loseNextAnswer(DISPATCH, { unrouted: true });
    const lost = await actOnce(snapshot, dispatch);
    expect(lost?.result).toBe('failed');
    expect(runs()).toHaveLength(0);
    loseNextAnswer(DISPATCH);
    const sent = await actOnce(snapshot, dispatch);
    expect(sent?.result).toBe('done');
    expect(sent?.run?.id).toBe(runs()[0]?.id);
    expect(runs().map((run) => run.headBranch)).toEqual([integrationBranch(BUILD)]);
    // No lock and no branch: its publish opens the worker's branch.
    expect(refsMade()).toEqual([]);
    expect(gh.git.resolve(workerBranch(BUILD, 'W1.1'))).toBeNull();
  });

  it('asks for a session again after a raise once: only a run newer than the stopped one is its, and twin passes make one', async () => {
    const snapshot = planned();
    const first = retryDispatch(snapshot);
    expect((await actOnce(snapshot, first))?.result).toBe('done');
    const [stopped] = runs();
    if (first.kind !== 'dispatch' || !stopped) throw new Error('no first run');
    const again: Action = { ...first, request: { ...first.request, resume: stopped.id } };
    // A send that never reached GitHub: the stopped run has the same name, and is not this one's.
    loseNextAnswer(DISPATCH, { unrouted: true });
    expect((await actOnce(snapshot, again))?.result).toBe('done');
    expect(runs()).toHaveLength(2);
    // Another replica's pass of the same raise finds the lock taken and the newer run: it stands down.
    expect((await actOnce(snapshot, again))?.result).toBe('stood-down');
    expect(runs()).toHaveLength(2);
  });

  it('makes no ref for a milestone’s validation: a lost answer’s run is found, and sends that never reached GitHub are made good by the next pass, once', async () => {
    const snapshot = planned();
    const validate: Action = {
      kind: 'dispatch',
      request: {
        role: 'validate',
        build: BUILD,
        issue: snapshot.issue.number,
        worker: 'M1',
        trigger: `head-${snapshot.integration?.sha}`,
      },
    };
    const validations = () => gh.runs.filter((run) => run.inputs.role === 'validate');
    const refsMade = () => gh.log.filter((entry) => entry.route === CREATE_REF);
    // Its three sends never reach GitHub: no run, nothing held, and the action fails.
    for (let send = 0; send < 3; send++) loseNextAnswer(DISPATCH, { unrouted: true });
    const lost = await actOnce(snapshot, validate);
    expect(lost?.result).toBe('failed');
    expect(lost?.detail).toMatch(/no run of it is listed/);
    expect(validations()).toHaveLength(0);
    // The next pass sends it; its answer is lost after GitHub made the run, which is found by name.
    loseNextAnswer(DISPATCH);
    const sent = await actOnce(snapshot, validate);
    expect(sent?.result).toBe('done');
    expect(sent?.run?.id).toBe(validations()[0]?.id);
    expect(validations()).toHaveLength(1);
    expect(refsMade()).toEqual([]);
  });

  it("fails a lock ref whose answer is lost, rather than reading its own ref as another's lock", async () => {
    const snapshot = planned();
    loseNextAnswer(CREATE_REF);
    const outcome = await actOnce(snapshot, retryDispatch(snapshot));
    // Not a quiet stand-down: the log says what happened (`/retry W1.1` heals the lock).
    expect(outcome?.result).toBe('failed');
    expect(outcome?.detail).toMatch(/^502 /);
    expect(errors).toEqual(['baton: dispatch failed']);
    expect(gh.runs).toEqual([]);
  });

  it('sends a lock ref again when the failed answer left it not made, and dispatches', async () => {
    const snapshot = planned();
    loseNextAnswer(CREATE_REF, { unrouted: true });
    loseNextAnswer(CREATE_REF, { unrouted: true });
    const outcome = await actOnce(snapshot, retryDispatch(snapshot));
    expect(outcome?.result).toBe('done');
    expect(runs()).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('posts a notice once; its lock is freed, as the next look finds the notice by its marker', async () => {
    const snapshot = planned();
    const key = noticeKey('failed', 'W1.1', 1);
    const notice: Action = {
      kind: 'notice',
      key,
      body: `${noticeMarker(BUILD, key)}\nW1.1 failed.`,
    };
    loseNextAnswer(COMMENT);
    expect((await actOnce(snapshot, notice))?.result).toBe('failed');
    const notices = gh.comments.filter((comment) => findNotice(comment.body)?.key === key);
    expect(notices).toHaveLength(1);
    expect(gh.git.resolve(noticeLockRef(BUILD, key))).toBeNull();
  });

  it('opens a mirror once: its lock stays, as the issue it made is linked nowhere', async () => {
    const snapshot = planned();
    const mirror: Action = {
      kind: 'create-mirror',
      worker: 'W1.1',
      title: 'W1.1: Login',
      body: renderMirrorBody({ build: BUILD, worker: 'W1.1', briefPath: briefPath(BUILD, 'W1.1') }),
      dependsOn: [],
    };
    const mirrors = () => [...gh.issues.values()].filter((issue) => issue.title === 'W1.1: Login');
    loseNextAnswer(CREATE_ISSUE);
    expect((await actOnce(snapshot, mirror))?.result).toBe('failed');
    expect(mirrors()).toHaveLength(1);
    expect(gh.git.resolve(mirrorLockRef(BUILD, 'W1.1'))).not.toBeNull();
    // The next pass sees no mirror among the sub-issues and asks again: the lock holds it.
    expect((await actOnce(snapshot, mirror))?.result).toBe('unchanged');
    expect(mirrors()).toHaveLength(1);
  });
});
