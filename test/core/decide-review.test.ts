import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/core/config/config.js';
import type { Action } from '../../src/core/context/action.js';
import { decide } from '../../src/core/decide/decide.js';
import type { UsageRecord } from '../../src/core/records/usage.js';
import type { CommandInfo, PullInfo, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { dispatched, rowsOf } from './decide-helpers.js';
import {
  ago,
  fixRun,
  INTEGRATION_SHA,
  make,
  NOW,
  planOf,
  planRun,
  sha,
  workers,
} from './factories.js';

const HEAD = sha('a1');
const workRun = make.run({ id: 7011, worker: 'W1.1', createdAt: ago(60) });

interface Case {
  /** W1.1's first attempt's run: by default one that ended an hour ago. */
  work?: RunInfo;
  pull?: Partial<PullInfo>;
  pulls?: PullInfo[];
  runs?: RunInfo[];
  usage?: UsageRecord[];
  commands?: CommandInfo[];
  config?: Parameters<typeof make.config>[0];
  now?: string;
}

/** One worker, W1.1, whose first attempt opened PR #101 on HEAD. */
function decideFor({
  work = workRun,
  pull = {},
  pulls,
  runs = [],
  usage = [],
  commands = [],
  config = {},
  now = NOW,
}: Case): Action[] {
  return decide({
    snapshot: make.snapshot({
      plan: planOf('W1.1'),
      runs: [planRun(), work, ...runs],
      pulls: pulls ?? [make.pull(pull)],
      commands,
      usage,
    }),
    config: make.config({ approval: 'none', ...config } as Partial<Config>),
    now,
  });
}

const review = (id: number, overrides = {}) => make.review({ id, commitSha: HEAD, ...overrides });
const changes = (id: number, overrides = {}) =>
  review(id, { verdict: 'changes-requested', ...overrides });
const human = { author: 'bob', byBaton: false };
const merge = { kind: 'merge-pull', pull: 101, worker: 'W1.1', sha: HEAD, method: 'squash' };
const approveCheck = { kind: 'set-review-check', pull: 101, sha: HEAD, verdict: 'approve' };

function kinds(actions: Action[]): string[] {
  return actions.map((action) => action.kind);
}

describe('decide: reviewing worker pull requests', () => {
  it('dispatches one review session for a new head', () => {
    const actions = decideFor({});
    expect(dispatched(actions)).toEqual([`review W1.1 head-${HEAD}`]);
    expect(actions[0]).toEqual({
      kind: 'dispatch',
      request: {
        role: 'review',
        build: '12-add-login',
        issue: 12,
        worker: 'W1.1',
        pr: 101,
        trigger: `head-${HEAD}`,
      },
    });
  });

  it.each([
    [
      'a review run is in progress',
      [
        make.run({
          id: 7300,
          role: 'review',
          trigger: `head-${HEAD}`,
          status: 'in_progress',
          conclusion: null,
          createdAt: ago(5),
        }),
      ],
      'reviewing',
    ],
    [
      'the review run failed',
      [
        make.run({
          id: 7300,
          role: 'review',
          trigger: `head-${HEAD}`,
          conclusion: 'failure',
          createdAt: ago(5),
        }),
      ],
      'needs-human',
    ],
  ])('does not dispatch a second review when %s', (_name, runs, state) => {
    const actions = decideFor({ runs });
    expect(dispatched(actions)).toEqual([]);
    expect(rowsOf(actions)['W1.1']?.state).toBe(state);
  });

  it('reviews a new head even when an older head was approved', () => {
    const actions = decideFor({ pull: { reviews: [review(1, { commitSha: sha('old') })] } });
    expect(dispatched(actions)).toEqual([`review W1.1 head-${HEAD}`]);
  });

  it('keeps the verdict of a head that only merged the build branch in', () => {
    const actions = decideFor({
      pull: { updatedFrom: [sha('old')], reviews: [review(1, { commitSha: sha('old') })] },
    });
    expect(withoutStatusKinds(actions)).toEqual(['merge-pull']);
    const held = decideFor({
      pull: {
        updatedFrom: [sha('old')],
        reviews: [review(1, { commitSha: sha('old') })],
        mergeState: 'blocked',
      },
    });
    expect(withoutStatusKinds(held)).toEqual(['set-review-check', 'merge-pull']);
  });

  it('keeps the verdict of a head beneath updates of the branch in a row', () => {
    const actions = decideFor({
      pull: {
        updatedFrom: [sha('update-1'), sha('old')],
        reviews: [review(1, { commitSha: sha('old') })],
      },
    });
    expect(withoutStatusKinds(actions)).toEqual(['merge-pull']);
  });

  it('does not dispatch reviews when review is disabled, and merges on a person’s approval', () => {
    expect(dispatched(decideFor({ config: { review: { enabled: false } } }))).toEqual([]);
    const actions = decideFor({
      config: { review: { enabled: false } },
      pull: { reviews: [review(1, human)] },
    });
    expect(actions).toContainEqual(merge);
  });
});

describe('decide: merging', () => {
  it('merges the reviewed head on the verdict, with no check where GitHub holds nothing back', () => {
    const actions = decideFor({ pull: { reviews: [review(1)] } });
    expect(withoutStatusKinds(actions)).toEqual(['merge-pull']);
    expect(actions[0]).toEqual(merge);
  });

  it('publishes the verdict as a check where GitHub holds the PR, and tries the merge once with it', () => {
    const actions = decideFor({ pull: { reviews: [review(1)], mergeState: 'blocked' } });
    expect(actions.slice(0, 2)).toEqual([approveCheck, merge]);
  });

  it('does not publish the check again once it is on the head', () => {
    const actions = decideFor({
      pull: { reviews: [review(1)], reviewCheck: { sha: HEAD, verdict: 'approve' } },
    });
    expect(withoutStatusKinds(actions)).toEqual(['merge-pull']);
  });

  it('brings a check already on the head in line with a new verdict', () => {
    const actions = decideFor({
      pull: { reviews: [changes(1)], reviewCheck: { sha: HEAD, verdict: 'approve' } },
    });
    expect(actions).toContainEqual({ ...approveCheck, verdict: 'changes-requested' });
  });

  it.each<[string, Partial<PullInfo>, string, string | null]>([
    [
      'checks are pending',
      { checks: { state: 'pending', failedRuns: [] } },
      'checks',
      'waiting for checks',
    ],
    [
      'GitHub still computes mergeability',
      { mergeState: 'unknown' },
      'approved',
      'waiting for GitHub to check mergeability',
    ],
    [
      'a rule of the build branch holds it with the check on the head',
      { mergeState: 'blocked', reviewCheck: { sha: HEAD, verdict: 'approve' } },
      'needs-human',
      "GitHub holds its merge by a rule of the build branch that Baton's approval does not meet (a required check, signed commits, resolved conversations, a merge queue): the pull request's merge box names it",
    ],
    [
      'a rule of the build branch asks for a person’s approving review',
      { mergeState: 'blocked', reviewDecision: 'review-required' },
      'needs-human',
      'GitHub requires an approving review by a person with write access before it merges (a rule of the build branch): approve the pull request',
    ],
    [
      'a person’s review asks for changes GitHub holds the merge for',
      { mergeState: 'blocked', reviewDecision: 'changes-requested' },
      'needs-human',
      "a person's review asks for changes, and GitHub holds the merge until they approve or the review is dismissed",
    ],
    [
      'a session of Baton’s own runs on its head',
      { mergeState: 'unstable', ownChecks: 'pending' },
      'approved',
      "waiting for Baton's session on its head to end (GitHub counts its jobs as checks)",
    ],
    [
      'GitHub calls a check Baton does not read not passing',
      { mergeState: 'unstable', ownChecks: 'success' },
      'needs-human',
      "GitHub calls a check on its head not passing that Baton does not read (merge.requireChecks): the pull request's checks name it",
    ],
  ])('does not merge while %s', (_name, pull, state, note) => {
    const actions = decideFor({ pull: { reviews: [review(1)], ...pull } });
    expect(kinds(actions)).not.toContain('merge-pull');
    expect(rowsOf(actions)['W1.1']).toEqual({ state, note });
  });

  it('merges an unstable head whose only red row is a job of Baton’s own that ended', () => {
    const actions = decideFor({
      pull: { reviews: [review(1)], mergeState: 'unstable', ownChecks: 'failure' },
    });
    expect(actions).toContainEqual(merge);
  });

  it('merges on a writer’s /merge after a failed review, its red job left on the head', () => {
    const failed = make.run({
      id: 7300,
      role: 'review',
      trigger: `head-${HEAD}`,
      conclusion: 'failure',
      createdAt: ago(30),
    });
    const pull = { mergeState: 'unstable' as const, ownChecks: 'failure' as const };
    expect(rowsOf(decideFor({ runs: [failed], pull }))['W1.1']?.state).toBe('needs-human');
    const asked = make.command({ name: 'merge', worker: 'W1.1' }, { commentId: 901 });
    const actions = decideFor({ runs: [failed], pull, commands: [asked] });
    expect(actions).toContainEqual(merge);
  });

  it('merges with failing checks when merge.requireChecks is off', () => {
    const checks = { state: 'failure' as const, failedRuns: [{ id: 1, attempt: 2 }] };
    const actions = decideFor({
      config: { merge: { requireChecks: false } },
      pull: { reviews: [review(1)], checks, mergeState: 'unstable' },
    });
    expect(actions).toContainEqual(merge);
  });

  it('never merges on Baton’s approval alone when review.requireHuman is set', () => {
    const actions = decideFor({
      config: { review: { requireHuman: true } },
      pull: { reviews: [review(1)] },
    });
    expect(kinds(actions)).toEqual(['render-status']);
    const both = decideFor({
      config: { review: { requireHuman: true } },
      pull: { reviews: [review(1), review(2, human)] },
    });
    expect(both).toContainEqual(merge);
  });

  it('lets a person’s approval outweigh Baton’s request for changes', () => {
    const actions = decideFor({
      pull: { reviews: [changes(1), review(2, { ...human, submittedAt: ago(20) })] },
    });
    expect(actions).toContainEqual(merge);
  });

  describe('merges every ready pull request in one decision, the most urgent first', () => {
    const plan = make.plan({ workers: workers('W1.1', 'W1.2', 'W1.3', 'W2.1<W1.2') });
    const approved = (worker: string, number: number, mergeState?: 'behind') =>
      make.pull({
        number,
        worker,
        headSha: sha(`${number}`),
        reviews: [make.review({ id: number, commitSha: sha(`${number}`) })],
        ...(mergeState ? { mergeState } : {}),
      });
    const mergesOf = (pulls: ReturnType<typeof approved>[], upToDateRule?: boolean) =>
      decide({
        snapshot: make.snapshot({
          plan: { kind: 'valid', plan, sha: 'p' },
          pulls,
          ...(upToDateRule
            ? { integration: { sha: sha('i'), containsDefault: true, upToDateRule } }
            : {}),
        }),
        config: make.config({ approval: 'none' }),
        now: NOW,
      }).filter((action) => action.kind === 'merge-pull');
    const mergeOf = (worker: string, number: number) => ({
      kind: 'merge-pull',
      pull: number,
      worker,
      sha: sha(`${number}`),
      method: 'squash',
    });

    it('all of them, W1.2 first as W2.1 waits on it', () => {
      expect(mergesOf([approved('W1.1', 101), approved('W1.2', 102)])).toEqual([
        mergeOf('W1.2', 102),
        mergeOf('W1.1', 101),
      ]);
    });

    it('one at a time once a pull request fell behind: the build branch asks for up-to-date ones', () => {
      const pulls = [approved('W1.1', 101), approved('W1.2', 102), approved('W1.3', 103, 'behind')];
      expect(mergesOf(pulls)).toEqual([mergeOf('W1.2', 102)]);
    });

    it('one at a time before any fell behind where a ruleset of the build branch asks for up-to-date ones', () => {
      const pulls = [approved('W1.1', 101), approved('W1.2', 102)];
      expect(mergesOf(pulls, true)).toEqual([mergeOf('W1.2', 102)]);
    });
  });

  it('brings a PR up to date only when it is next in line to merge', () => {
    const behind = decideFor({ pull: { reviews: [review(1)], mergeState: 'behind' } });
    expect(behind).toContainEqual({ kind: 'update-pull-branch', pull: 101, expectedHeadSha: HEAD });
    const unreviewed = decideFor({ pull: { mergeState: 'behind', reviews: [] } });
    expect(kinds(unreviewed)).not.toContain('update-pull-branch');
    const red = decideFor({
      pull: {
        mergeState: 'behind',
        reviews: [review(1)],
        checks: { state: 'pending', failedRuns: [] },
      },
    });
    expect(kinds(red)).not.toContain('update-pull-branch');
  });

  it('merges on /merge despite changes requested, with checks still required', () => {
    const merges = [
      make.command(
        { name: 'merge', worker: 'W1.1' },
        { source: { kind: 'pull', number: 101, worker: 'W1.1' } },
      ),
    ];
    expect(decideFor({ commands: merges, pull: { reviews: [changes(1)] } })).toContainEqual(merge);
    const pending = decideFor({
      commands: merges,
      pull: { reviews: [changes(1)], checks: { state: 'pending', failedRuns: [] } },
    });
    expect(kinds(pending)).not.toContain('merge-pull');
  });

  it('reviews the head a fix session pushed after /merge instead of merging it', () => {
    const merges = [make.command({ name: 'merge', worker: 'W1.1' }, { createdAt: ago(10) })];
    const fixed = sha('f1');
    const actions = decideFor({
      commands: merges,
      // The PR had conflicts under /merge; a fix session resolved them with new code.
      pull: { headSha: fixed, reviews: [changes(1)] },
      runs: [fixRun(`conflict-${sha('b1')}`, { createdAt: ago(5) })],
    });
    expect(dispatched(actions)).toEqual([`review W1.1 head-${fixed}`]);
    expect(kinds(actions)).not.toContain('merge-pull');
  });

  it('ignores a /merge given before the pull request opened', () => {
    const merges = [make.command({ name: 'merge', worker: 'W1.1' }, { createdAt: ago(70) })];
    expect(kinds(decideFor({ commands: merges, pull: { reviews: [changes(1)] } }))).not.toContain(
      'merge-pull',
    );
  });
});

describe('decide: the fix loop', () => {
  it('dispatches a fix for a request for changes, by review id, with no check (no approval, no merge)', () => {
    const actions = decideFor({ pull: { reviews: [changes(9)] } });
    expect(dispatched(actions)).toEqual(['fix W1.1 review-9']);
    expect(kinds(actions)).not.toContain('set-review-check');
  });

  it('answers a person’s request for changes over Baton’s approval', () => {
    const actions = decideFor({
      pull: { reviews: [review(1), changes(2, { ...human, submittedAt: ago(20) })] },
    });
    expect(dispatched(actions)).toEqual(['fix W1.1 review-2']);
  });

  it('waits while a fix session runs', () => {
    const actions = decideFor({
      pull: { reviews: [changes(9)] },
      runs: [fixRun('review-9', { status: 'in_progress', conclusion: null, createdAt: ago(3) })],
    });
    expect(dispatched(actions)).toEqual([]);
    expect(rowsOf(actions)['W1.1']?.state).toBe('fixing');
  });

  it('counts twin runs of one fix (two replicas dispatched it: no lock ref) as one round', () => {
    const runs = [fixRun('checks-abc', { id: 7201 }), fixRun('checks-abc', { id: 7202 })];
    const actions = decideFor({ pull: { reviews: [changes(9)] }, runs });
    expect(dispatched(actions)).toEqual(['fix W1.1 review-9']);
  });

  it('asks a person, with a label and one comment, after review.maxFixRounds fixes', () => {
    const runs = [fixRun('review-7', { id: 7201 }), fixRun('checks-abc', { id: 7202 })];
    const actions = decideFor({ pull: { reviews: [changes(9)] }, runs });
    expect(dispatched(actions)).toEqual([]);
    expect(actions).toContainEqual({ kind: 'add-label', number: 101, label: 'baton:needs-human' });
    const comment = actions.find((action) => action.kind === 'comment');
    expect(comment).toMatchObject({ number: 101, key: `needs-human:W1.1:fix-rounds:${HEAD}` });
    expect(comment?.kind === 'comment' && comment.body).toContain('/retry W1.1 <instructions>');
    expect(rowsOf(actions)['W1.1']).toEqual({
      state: 'needs-human',
      note: 'changes still requested after 2 fix rounds (review.maxFixRounds)',
    });
  });

  it('asks a person when the fix for a review left the head unchanged', () => {
    const actions = decideFor({ pull: { reviews: [changes(9)] }, runs: [fixRun('review-9')] });
    expect(rowsOf(actions)['W1.1']?.state).toBe('needs-human');
    expect(kinds(actions)).toContain('add-label');
  });

  it('does not count fixes of an earlier, closed pull request', () => {
    const runs = [
      fixRun('review-7', { id: 7201, createdAt: ago(90) }),
      fixRun('review-8', { id: 7202, createdAt: ago(80) }),
    ];
    expect(dispatched(decideFor({ pull: { reviews: [changes(9)] }, runs }))).toEqual([
      'fix W1.1 review-9',
    ]);
  });

  it('removes the needs-human label once the pull request moves on', () => {
    const actions = decideFor({ pull: { labels: ['baton:needs-human'], reviews: [review(1)] } });
    expect(actions).toContainEqual({
      kind: 'remove-label',
      number: 101,
      label: 'baton:needs-human',
    });
    expect(kinds(actions)).not.toContain('add-label');
  });

  it('does not label or comment again on a labelled PR (the issue gets its notice)', () => {
    const actions = decideFor({
      pull: { labels: ['baton:needs-human'], reviews: [changes(9)] },
      runs: [fixRun('review-9')],
    });
    expect(kinds(actions)).toEqual(['notice', 'render-status']);
  });

  it('answers /retry on an open PR with a fix session, beyond the fix rounds', () => {
    const retry = make.command(
      { name: 'retry', worker: 'W1.1', instructions: 'use bcrypt' },
      { commentId: 55 },
    );
    const runs = [fixRun('review-7', { id: 7201 }), fixRun('review-8', { id: 7202 })];
    const actions = decideFor({ pull: { reviews: [changes(9)] }, runs, commands: [retry] });
    expect(dispatched(actions)).toEqual(['fix W1.1 comment-55']);
    expect(
      dispatched(
        decideFor({
          pull: { reviews: [changes(9)] },
          runs: [...runs, fixRun('comment-55', { id: 7203 })],
          commands: [retry],
        }),
      ),
    ).toEqual([]);
  });
});

describe('decide: red CI and conflicts', () => {
  const approved = { reviews: [make.review({ id: 1, commitSha: HEAD })] };

  it('re-runs failed CI jobs once', () => {
    const checks = {
      state: 'failure' as const,
      failedRuns: [
        { id: 31, attempt: 1 },
        { id: 32, attempt: 2 },
      ],
    };
    const actions = decideFor({ pull: { ...approved, checks } });
    expect(actions).toContainEqual({ kind: 'rerun-failed-jobs', runId: 31 });
    expect(actions).not.toContainEqual({ kind: 'rerun-failed-jobs', runId: 32 });
    expect(dispatched(actions)).toEqual([]);
  });

  it('dispatches a fix for checks still red after the re-run', () => {
    const checks = { state: 'failure' as const, failedRuns: [{ id: 31, attempt: 2 }] };
    const actions = decideFor({ pull: { ...approved, checks } });
    expect(dispatched(actions)).toEqual([`fix W1.1 checks-${HEAD}`]);
    expect(kinds(actions)).not.toContain('merge-pull');
  });

  it('dispatches a conflict fix for a dirty PR, by the build branch head, once', () => {
    const actions = decideFor({ pull: { ...approved, mergeState: 'dirty' } });
    expect(dispatched(actions)).toEqual([`fix W1.1 conflict-${INTEGRATION_SHA}`]);
    const again = decideFor({
      pull: { ...approved, mergeState: 'dirty' },
      runs: [fixRun(`conflict-${INTEGRATION_SHA}`)],
    });
    expect(dispatched(again)).toEqual([]);
    expect(rowsOf(again)['W1.1']?.state).toBe('needs-human');
  });

  it('fixes conflicts before reviewing', () => {
    const actions = decideFor({ pull: { mergeState: 'dirty' } });
    expect(dispatched(actions)).toEqual([`fix W1.1 conflict-${INTEGRATION_SHA}`]);
  });
});

function withoutStatusKinds(actions: Action[]): string[] {
  return kinds(actions).filter((kind) => kind !== 'render-status');
}

describe('decide: a review or fix session that succeeded moments ago, its result not in sight', () => {
  // Its review or push may have come after the reconcile read the pull request (SETTLE_MS).
  const justEnded = { status: 'completed' as const, conclusion: 'success' as const };
  const reviewRun = make.run({
    id: 7300,
    role: 'review',
    worker: 'W1.1',
    trigger: `head-${HEAD}`,
    createdAt: ago(5),
    updatedAt: ago(2 / 60),
    ...justEnded,
  });
  const justFixed = fixRun('review-9', { updatedAt: ago(2 / 60), ...justEnded });
  const later = new Date(Date.parse(NOW) + 58_000).toISOString();
  const looks = (actions: Action[]) => actions.filter((action) => action.kind === 'look-again');

  it.each<[string, Case, string, string]>([
    ['a review', { runs: [reviewRun] }, 'reviewing', 'review-failed'],
    ['a fix', { runs: [justFixed], pull: { reviews: [changes(9)] } }, 'fixing', 'fix-failed'],
  ])('waits on %s for the settle time, then asks a person', (_name, facts, waiting, reason) => {
    const actions = decideFor(facts);
    expect(rowsOf(actions)['W1.1']?.state).toBe(waiting);
    expect(looks(actions)).toEqual([{ kind: 'look-again', inMs: 28_000 }]);
    expect(kinds(actions)).not.toContain('notice');
    expect(kinds(actions)).not.toContain('add-label');
    expect(dispatched(actions)).toEqual([]);
    const settled = decideFor({ ...facts, now: later });
    expect(rowsOf(settled)['W1.1']?.state).toBe('needs-human');
    expect(settled).toContainEqual({ kind: 'add-label', number: 101, label: 'baton:needs-human' });
    expect(settled).toContainEqual(
      expect.objectContaining({ kind: 'notice', key: expect.stringContaining(reason) }),
    );
    expect(looks(settled)).toEqual([]);
  });
});

describe('decide: the review in the run of the session that pushed the head', () => {
  // The workflow's review jobs follow a work, contract or fix session's publish in its run.
  const going = make.run({ ...workRun, status: 'in_progress', conclusion: null });
  const justEnded = make.run({
    ...workRun,
    status: 'completed',
    conclusion: 'success',
    updatedAt: ago(2 / 60),
  });
  const later = new Date(Date.parse(NOW) + 58_000).toISOString();

  it('dispatches no review while that run goes on: the worker is reviewing', () => {
    const actions = decideFor({ work: going });
    expect(dispatched(actions)).toEqual([]);
    expect(rowsOf(actions)['W1.1']?.state).toBe('reviewing');
  });

  it('waits the settle time after it ended, then dispatches the review it did not post', () => {
    const actions = decideFor({ work: justEnded });
    expect(dispatched(actions)).toEqual([]);
    expect(actions).toContainEqual({ kind: 'look-again', inMs: 28_000 });
    expect(dispatched(decideFor({ work: justEnded, now: later }))).toEqual([
      `review W1.1 head-${HEAD}`,
    ]);
  });

  it('merges on the review it posted, with no dispatch', () => {
    const actions = decideFor({ work: justEnded, pull: { reviews: [review(5)] } });
    expect(dispatched(actions)).toEqual([]);
    expect(actions).toContainEqual(merge);
  });

  it('waits for money where the budget stopped that review, and dispatches one on a raise', () => {
    const usage = [
      make.usageRecord({ run_id: 7011, role: 'work', worker: 'W1.1', cost: 1 }),
      make.usageRecord({
        run_id: 7011,
        role: 'review',
        after: 'work',
        worker: 'W1.1',
        outcome: 'failed',
        limit: 'budget',
        limit_usd: 0.2,
        needed_usd: 0.5,
        cost: 0.2,
      }),
    ];
    const held = decideFor({ usage, config: { budget: { maxUsd: 1.3 } } });
    expect(dispatched(held)).toEqual([]);
    expect(rowsOf(held)['W1.1']?.state).toBe('awaiting-budget');
    expect(rowsOf(held)['W1.1']?.note).toContain(
      'budget (`budget.maxUsd`) stopped its review session',
    );
    const raised = decideFor({ usage, config: { budget: { maxUsd: 5 } } });
    expect(dispatched(raised)).toEqual([`review W1.1 head-${HEAD}`]);
  });

  it('waits on a twin of the first attempt still going, though a newer run ended', () => {
    const twin = make.run({ ...workRun, id: 7012, createdAt: ago(30) });
    expect(dispatched(decideFor({ work: going, runs: [twin] }))).toEqual([]);
  });
});
