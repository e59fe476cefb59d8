import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide/decide.js';
import type { BuildSnapshot, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { runOfPayload } from '../../src/github/reconcile/doors/on-build-event.js';
import { LastReads, MAX_AGE_MS } from '../../src/github/reconcile/pass/last-reads.js';
import { ago, make, NOW, planRun, sha, workers } from '../core/factories.js';

const KEY = 'acme/shop#12-add-login';
const config = make.config();
const running = { status: 'in_progress', conclusion: null } as const;

/**
 * W1.1's pull request is open and in review (its review run under way), W1.2
 * still works: decide asks for nothing but the status. W1.1's work run is
 * still listed as running, as a read made before its completion sees it.
 */
function inReview(): BuildSnapshot {
  return make.snapshot({
    plan: { kind: 'valid', plan: make.plan({ workers: workers('W1.1', 'W1.2') }), sha: 'p' },
    runs: [
      planRun(),
      make.run({ id: 7011, worker: 'W1.1', ...running, createdAt: ago(30), updatedAt: ago(20) }),
      make.run({ id: 7012, worker: 'W1.2', ...running, createdAt: ago(30), updatedAt: ago(20) }),
      make.run({
        id: 7013,
        role: 'review',
        worker: 'W1.1',
        trigger: `head-${sha('a1')}`,
        ...running,
        createdAt: ago(5),
        updatedAt: ago(4),
      }),
    ],
    pulls: [
      // Opened by W1.1's work run, after it began.
      make.pull({
        number: 101,
        worker: 'W1.1',
        checks: { state: 'pending', failedRuns: [] },
        createdAt: ago(21),
      }),
    ],
    commands: [make.command({ name: 'approve' }, { createdAt: ago(100) })],
  });
}

/** What build `snapshot` renders, as a reconcile notes it. */
function readOf(snapshot: BuildSnapshot) {
  const actions = decide({ snapshot, config, now: NOW });
  const [only] = actions;
  if (actions.length !== 1 || only?.kind !== 'render-status') throw new Error('not a quiet read');
  return { snapshot, config, view: JSON.stringify(only.view) };
}

function completed(id: number, worker: string, overrides: Partial<RunInfo> = {}): RunInfo {
  return make.run({ id, worker, createdAt: ago(30), updatedAt: ago(1), ...overrides });
}

/** The build in review, read after W1.1's work run completed. */
function readAfterW11() {
  const seen = inReview();
  const done = completed(7011, 'W1.1');
  return readOf({ ...seen, runs: seen.runs.map((r) => (r.id === 7011 ? done : r)) });
}

/**
 * The build read after W1.1's work run completed, W1.2 not started: every decide asks for
 * its first dispatch, which the write budget deferred.
 */
function awaitingFirstDispatch() {
  const snapshot = inReview();
  const done = completed(7011, 'W1.1');
  const seen = {
    ...snapshot,
    runs: snapshot.runs.flatMap((r) => (r.id === 7012 ? [] : [r.id === 7011 ? done : r])),
  };
  return { done, seen };
}

describe('LastReads: a run completion judged by the build as last read', () => {
  it('changes nothing where the read saw the run completed and its pull request, opened since the run began', () => {
    const reads = new LastReads();
    const seen = inReview();
    const done = completed(7011, 'W1.1');
    const pull = make.pull({ number: 101, worker: 'W1.1', createdAt: ago(21) });
    reads.note(
      KEY,
      readOf({
        ...seen,
        pulls: [pull],
        runs: seen.runs.map((r) => (r.id === 7011 ? done : r)),
      }),
    );
    expect(reads.completionChangesNothing(KEY, done, NOW)).toBe(true);
    // Delivered again: still no news.
    expect(reads.completionChangesNothing(KEY, done, NOW)).toBe(true);
  });

  it('is news where the read listed the run completed but not its last write: a fix whose draft it read before publish marked it ready', () => {
    // The read takes the pull requests first and the runs after: between the two, the
    // continuation's publish marked its draft ready and its run completed. That
    // `ready_for_review` was left to this completion (echoes.ts).
    const reads = new LastReads();
    const seen = inReview();
    const fix = completed(7021, 'W1.1', { role: 'fix', trigger: `continue-${sha('a1')}` });
    const draft = make.pull({ number: 101, worker: 'W1.1', draft: true, createdAt: ago(60) });
    const snapshot = { ...seen, pulls: [draft], runs: [...seen.runs, fix] };
    const decided = decide({ snapshot, config, now: NOW });
    reads.noteDecided(KEY, { snapshot, config, decided, runsSince: ago(100) });
    expect(reads.completionChangesNothing(KEY, fix, NOW)).toBe(false);
  });

  it('is news when the read saw the run unfinished and not its last write, even where decide would ask for nothing', () => {
    // What the session wrote before its run completed (a review, a pull request) may have
    // come after the read, and its own event was left to this completion: W1.1's pull
    // request is older than the run, so the read did not see this session's own.
    const reads = new LastReads();
    const fresh = inReview();
    const snapshot = {
      ...fresh,
      pulls: fresh.pulls.map((pull) => ({ ...pull, createdAt: ago(31) })),
    };
    const done = completed(7011, 'W1.1');
    const patched = { ...snapshot, runs: snapshot.runs.map((r) => (r.id === 7011 ? done : r)) };
    expect(readOf(patched).view).toBe(readOf(snapshot).view);
    reads.note(KEY, readOf(snapshot));
    expect(reads.completionChangesNothing(KEY, done, NOW)).toBe(false);
  });

  it("changes nothing where the read saw the run unfinished but its session's last write: a work run's pull request, a review run's review", () => {
    const reads = new LastReads();
    const snapshot = inReview();
    // The read (CI's completion on the new pull request) saw W1.1's PR, opened after its work run began.
    const pull = make.pull({ number: 101, worker: 'W1.1', createdAt: ago(21) });
    const seen = { ...snapshot, pulls: [pull] };
    reads.note(KEY, readOf(seen));
    const done = completed(7011, 'W1.1');
    expect(reads.completionChangesNothing(KEY, done, NOW)).toBe(true);
    // A failed run, a second attempt, or a PR older than the run: the read may not hold it all.
    const again = new LastReads();
    again.note(KEY, readOf(seen));
    expect(again.completionChangesNothing(KEY, { ...done, conclusion: 'failure' }, NOW)).toBe(
      false,
    );
    expect(again.completionChangesNothing(KEY, { ...done, attempt: 2 }, NOW)).toBe(false);
    const older = new LastReads();
    older.note(KEY, readOf({ ...snapshot, pulls: [{ ...pull, createdAt: ago(31) }] }));
    expect(older.completionChangesNothing(KEY, done, NOW)).toBe(false);
  });

  it("is news for a review run unless the read saw Baton's review posted since the run began", () => {
    const review = completed(7013, 'W1.1', {
      role: 'review',
      trigger: `head-${sha('a1')}`,
      createdAt: ago(5),
    });
    const quiet = inReview();
    const without = new LastReads();
    without.note(KEY, readOf(quiet));
    // No review in sight: its completion is news (a verdict to act on may have come).
    expect(without.completionChangesNothing(KEY, review, NOW)).toBe(false);
    // A person's review, or Baton's older one, is not the session's.
    const person = make.review({ byBaton: false, verdict: 'comment', submittedAt: ago(2) });
    const older = make.review({ verdict: 'comment', submittedAt: ago(6) });
    for (const reviews of [[person], [older]]) {
      const reads = new LastReads();
      reads.note(KEY, readOf({ ...quiet, pulls: quiet.pulls.map((p) => ({ ...p, reviews })) }));
      expect(reads.completionChangesNothing(KEY, review, NOW)).toBe(false);
    }
    // Its own approval in sight (the PR waits for CI): the completion brings nothing more.
    const approval = make.review({ submittedAt: ago(2) });
    const reads = new LastReads();
    reads.note(
      KEY,
      readOf({ ...quiet, pulls: quiet.pulls.map((p) => ({ ...p, reviews: [approval] })) }),
    );
    expect(reads.completionChangesNothing(KEY, review, NOW)).toBe(true);
  });

  it.each(['unstable', 'blocked', 'unknown'] as const)(
    "is news for a run that ended while the read saw its worker's pull request %s: the run's own jobs, checks on its head, may have held it",
    (mergeState) => {
      const review = completed(7013, 'W1.1', {
        role: 'review',
        trigger: `head-${sha('a1')}`,
        createdAt: ago(5),
      });
      const approval = make.review({ submittedAt: ago(2) });
      const quiet = inReview();
      // Both pull requests approved by Baton; one of them held as GitHub says. What decide asks
      // of it (a `baton/review` check on a blocked one) the read asked for already.
      const held = (worker: string) => {
        const snapshot = {
          ...quiet,
          pulls: [...quiet.pulls, make.pull({ number: 102, worker: 'W1.2' })].map((p) => ({
            ...p,
            reviews: [approval],
            ...(p.worker === worker ? { mergeState } : {}),
          })),
        };
        const actions = decide({ snapshot, config, now: NOW });
        const status = actions.at(-1);
        if (status?.kind !== 'render-status') throw new Error('no status');
        const asked = actions.slice(0, -1).map((action) => JSON.stringify(action));
        return { snapshot, config, view: JSON.stringify(status.view), asked };
      };
      const reads = new LastReads();
      reads.note(KEY, held('W1.1'));
      expect(reads.completionChangesNothing(KEY, review, NOW)).toBe(false);
      // The timed look and the resync judge by the same read: the runs as listed are news too.
      const listed = quiet.runs.map((run) => (run.id === 7013 ? review : run));
      expect(reads.runsChangeNothing(KEY, listed, NOW, MAX_AGE_MS)).toBe(false);
      // Another worker's pull request held is not the ended run's doing.
      const other = new LastReads();
      other.note(KEY, held('W1.2'));
      expect(other.completionChangesNothing(KEY, review, NOW)).toBe(true);
    },
  );

  it('changes nothing where decide asks again only for what the read asked for: a first dispatch the write budget deferred', () => {
    const { done, seen } = awaitingFirstDispatch();
    const actions = decide({ snapshot: seen, config, now: NOW });
    const render = actions.find((action) => action.kind === 'render-status');
    const asked = actions.filter((action) => action.kind !== 'render-status');
    expect(asked.map((action) => action.kind)).toEqual(['dispatch']);
    if (render?.kind !== 'render-status') throw new Error('no status');
    const read = { snapshot: seen, config, view: JSON.stringify(render.view) };
    const reads = new LastReads();
    reads.note(KEY, { ...read, asked: asked.map((action) => JSON.stringify(action)) });
    expect(reads.completionChangesNothing(KEY, done, NOW)).toBe(true);
    // Without it among what the read asked for, the dispatch is news.
    const unasked = new LastReads();
    unasked.note(KEY, read);
    expect(unasked.completionChangesNothing(KEY, done, NOW)).toBe(false);
  });

  it("judges a member its set's reconcile noted by the decision it was handed (noteDecided): what it asked is no news", () => {
    const { done, seen } = awaitingFirstDispatch();
    const decided = decide({ snapshot: seen, config, now: NOW });
    const runsSince = ago(60);
    const reads = new LastReads();
    reads.noteDecided(KEY, { snapshot: seen, config, decided, runsSince });
    expect(reads.completionChangesNothing(KEY, done, NOW)).toBe(true);
    // Handed the status alone, the deferred dispatch is news.
    const statusAlone = new LastReads();
    const render = decided.filter((action) => action.kind === 'render-status');
    statusAlone.noteDecided(KEY, { snapshot: seen, config, decided: render, runsSince });
    expect(statusAlone.completionChangesNothing(KEY, done, NOW)).toBe(false);
  });

  it('is news when the read saw the run end otherwise, or an earlier attempt', () => {
    const reads = new LastReads();
    const seen = inReview();
    const done = completed(7011, 'W1.1', { attempt: 1 });
    reads.note(KEY, readOf({ ...seen, runs: seen.runs.map((r) => (r.id === 7011 ? done : r)) }));
    expect(reads.completionChangesNothing(KEY, { ...done, conclusion: 'failure' }, NOW)).toBe(
      false,
    );
    expect(reads.completionChangesNothing(KEY, { ...done, attempt: 2 }, NOW)).toBe(false);
  });

  it('is news when the completion asks for something: a work run that ended with no pull request in sight', () => {
    const reads = new LastReads();
    reads.note(KEY, readOf(inReview()));
    expect(reads.completionChangesNothing(KEY, completed(7012, 'W1.2'), NOW)).toBe(false);
    expect(
      reads.completionChangesNothing(KEY, completed(7012, 'W1.2', { conclusion: 'failure' }), NOW),
    ).toBe(false);
  });

  it('is news for a run the read did not list, or listed for another worker', () => {
    const reads = new LastReads();
    reads.note(KEY, readOf(inReview()));
    expect(reads.completionChangesNothing(KEY, completed(7099, 'W1.1'), NOW)).toBe(false);
    expect(reads.completionChangesNothing(KEY, completed(7011, 'W1.2'), NOW)).toBe(false);
  });

  it('is news with no read, a read whose writes failed, or one older than MAX_AGE_MS', () => {
    let now = 0;
    const reads = new LastReads({ clock: () => now });
    const done = completed(7011, 'W1.1');
    expect(reads.completionChangesNothing(KEY, done, NOW)).toBe(false);
    reads.note(KEY, readAfterW11());
    reads.note(KEY, null);
    expect(reads.completionChangesNothing(KEY, done, NOW)).toBe(false);
    reads.note(KEY, readAfterW11());
    expect(reads.completionChangesNothing(KEY, done, NOW)).toBe(true);
    now = MAX_AGE_MS + 1;
    expect(reads.completionChangesNothing(KEY, done, NOW)).toBe(false);
  });

  it('keeps at most `limit` builds, forgetting the oldest read', () => {
    const reads = new LastReads({ limit: 1 });
    reads.note(KEY, readAfterW11());
    reads.note('acme/shop#13-other', readAfterW11());
    expect(reads.completionChangesNothing(KEY, completed(7011, 'W1.1'), NOW)).toBe(false);
    expect(reads.completionChangesNothing('acme/shop#13-other', completed(7011, 'W1.1'), NOW)).toBe(
      true,
    );
  });

  it('lets a read go once it can stand for nothing: older than `keepMs`, at least MAX_AGE_MS', () => {
    let now = 0;
    const reads = new LastReads({ keepMs: 2 * MAX_AGE_MS, clock: () => now });
    reads.note('acme/shop#11-ended', readAfterW11());
    now = MAX_AGE_MS + 1;
    reads.note(KEY, readAfterW11());
    expect(reads.size).toBe(2);
    now = 2 * MAX_AGE_MS + 1;
    reads.note('acme/shop#13-other', readAfterW11());
    expect(reads.size).toBe(2);
    const short = new LastReads({ keepMs: 0, clock: () => now });
    short.note(KEY, readAfterW11());
    now += MAX_AGE_MS;
    short.note('acme/shop#13-other', readAfterW11());
    expect(short.size).toBe(2);
  });
});

describe('LastReads: a push of the build branch judged by the build as last read', () => {
  const at = (read: ReturnType<typeof readAfterW11>, sha: string) => ({
    ...read,
    snapshot: { ...read.snapshot, integration: { sha, containsDefault: true } },
  });

  it('is no news where the read saw the branch there, or its reconcile made and settled that merge', () => {
    const reads = new LastReads();
    reads.note(KEY, { ...at(readAfterW11(), sha('b2')), settled: [sha('b1'), sha('b2')] });
    expect(reads.pushChangesNothing(KEY, sha('b2'))).toBe(true);
    // The first of two merges in one reconcile: its push lands before the second's.
    expect(reads.pushChangesNothing(KEY, sha('b1'))).toBe(true);
  });

  it('is news for a commit the read did not see, with no read, or with one too old', () => {
    let now = 0;
    const reads = new LastReads({ clock: () => now });
    expect(reads.pushChangesNothing(KEY, sha('b2'))).toBe(false);
    reads.note(KEY, at(readAfterW11(), sha('b1')));
    expect(reads.pushChangesNothing(KEY, sha('b2'))).toBe(false);
    expect(reads.pushChangesNothing(KEY, sha('b1'))).toBe(true);
    now = MAX_AGE_MS + 1;
    expect(reads.pushChangesNothing(KEY, sha('b1'))).toBe(false);
  });
});

describe("LastReads: whether a build waits on GitHub for its runs alone (a change set's look)", () => {
  const withPull = (
    read: ReturnType<typeof readAfterW11>,
    pull: BuildSnapshot['pulls'][number],
  ) => ({
    ...read,
    snapshot: { ...read.snapshot, pulls: [pull] },
    // Its reconcile's look awaits a session run (`awaitsRun`).
    awaitsRun: true,
  });

  it('waits on its runs alone when its look awaits a run and no open pull request awaits CI or its mergeability', () => {
    const reads = new LastReads();
    const green = make.pull({
      number: 101,
      worker: 'W1.1',
      checks: { state: 'success', failedRuns: [] },
    });
    reads.note(KEY, withPull(readAfterW11(), green));
    expect(reads.awaitsOnlyRuns(KEY, MAX_AGE_MS)).toBe(true);
    reads.note(KEY, withPull(readAfterW11(), { ...green, state: 'merged', mergeState: 'unknown' }));
    expect(reads.awaitsOnlyRuns(KEY, MAX_AGE_MS)).toBe(true);
    // A look for anything else (a session settling, none at all) is not a run's.
    reads.note(KEY, { ...withPull(readAfterW11(), green), awaitsRun: false });
    expect(reads.awaitsOnlyRuns(KEY, MAX_AGE_MS)).toBe(false);
  });

  it('waits on more where a pull request’s CI is under way or its mergeability unknown, with no read, or one too old', () => {
    let now = 0;
    const reads = new LastReads({ clock: () => now });
    expect(reads.awaitsOnlyRuns(KEY, MAX_AGE_MS)).toBe(false);
    const green = make.pull({
      number: 101,
      worker: 'W1.1',
      checks: { state: 'success', failedRuns: [] },
    });
    reads.note(
      KEY,
      withPull(readAfterW11(), { ...green, checks: { state: 'pending', failedRuns: [] } }),
    );
    expect(reads.awaitsOnlyRuns(KEY, MAX_AGE_MS)).toBe(false);
    reads.note(KEY, withPull(readAfterW11(), { ...green, mergeState: 'unknown' }));
    expect(reads.awaitsOnlyRuns(KEY, MAX_AGE_MS)).toBe(false);
    reads.note(KEY, withPull(readAfterW11(), green));
    now = MAX_AGE_MS + 1;
    expect(reads.awaitsOnlyRuns(KEY, MAX_AGE_MS)).toBe(false);
  });
});

describe('runOfPayload', () => {
  const payload = {
    id: 7011,
    path: '.github/workflows/baton.yml',
    display_title: 'baton work 12-add-login W1.1 -',
    status: 'completed',
    conclusion: 'success',
    created_at: ago(30),
    updated_at: ago(1),
    run_attempt: 1,
    html_url: 'https://github.com/acme/shop/actions/runs/7011',
  };

  it("reads a completed run of Baton's workflow as a reconcile lists it", () => {
    expect(runOfPayload(payload)).toMatchObject({
      id: 7011,
      role: 'work',
      worker: 'W1.1',
      status: 'completed',
      conclusion: 'success',
      attempt: 1,
    });
  });

  it('is nothing for a run still going, of another workflow, or not named as Baton names runs', () => {
    expect(runOfPayload({ ...payload, status: 'in_progress' })).toBeNull();
    expect(runOfPayload({ ...payload, path: '.github/workflows/ci.yml' })).toBeNull();
    expect(runOfPayload({ ...payload, display_title: 'Add login' })).toBeNull();
  });
});
