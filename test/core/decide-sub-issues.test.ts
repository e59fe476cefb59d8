import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide/decide.js';
import type { Plan } from '../../src/core/plan/plan.js';
import { renderMirrorMarker } from '../../src/core/rules/sub-issues.js';
import type {
  BuildSnapshot,
  CommandInfo,
  PullInfo,
  SubIssueInfo,
} from '../../src/core/snapshot/snapshot.js';
import { ago, BUILD, make, NOW, planRun, validPlan } from './factories.js';

const plan = make.plan({
  workers: [
    make.worker({ id: 'W1.1', sub_issue: 21 }),
    make.worker({ id: 'W1.2', sub_issue: 22 }),
    make.worker({ id: 'W2.1', sub_issue: 20, depends_on: ['W1.1'] }),
  ],
});

/**
 * A build of `plan` whose workers have `pulls`, each opened by a finished work run, under
 * `subIssues` (not read when undefined).
 */
function withPulls({
  plan,
  pulls,
  subIssues,
  commands = [],
}: {
  plan: Plan;
  pulls: PullInfo[];
  subIssues: SubIssueInfo[] | undefined;
  commands?: CommandInfo[];
}): BuildSnapshot {
  const snapshot = make.snapshot({
    plan: validPlan(plan),
    commands,
    runs: [
      planRun(),
      ...pulls.map((pull, i) =>
        make.run({ id: 7000 + i, worker: pull.worker, status: 'completed', createdAt: ago(20) }),
      ),
    ],
    pulls,
  });
  if (subIssues) snapshot.issue.subIssues = subIssues;
  return snapshot;
}

function closes(pulls: PullInfo[], subIssues: SubIssueInfo[] | undefined) {
  const snapshot = withPulls({ plan, pulls, subIssues });
  const actions = decide({ snapshot, config: make.config({ approval: 'none' }), now: NOW });
  return actions.filter((action) => action.kind === 'close-sub-issue');
}

const open = (number: number): SubIssueInfo => ({ number, state: 'open' });

describe('decide: a build of sub-issues', () => {
  it('closes the sub-issue of a worker whose pull request merged, and no other', () => {
    const pulls = [
      make.pull({ number: 101, worker: 'W1.1', state: 'merged' }),
      make.pull({ number: 102, worker: 'W1.2' }),
    ];
    expect(closes(pulls, [open(20), open(21), open(22)])).toEqual([
      { kind: 'close-sub-issue', number: 21, worker: 'W1.1', reason: 'completed' },
    ]);
  });

  it('leaves a sub-issue that is closed already, or no longer under the issue', () => {
    const pulls = [
      make.pull({ number: 101, worker: 'W1.1', state: 'merged' }),
      make.pull({ number: 102, worker: 'W1.2', state: 'merged' }),
    ];
    expect(closes(pulls, [{ number: 21, state: 'closed' }, open(20)])).toEqual([]);
  });

  it('closes nothing when the sub-issues were not read', () => {
    const pulls = [make.pull({ number: 101, worker: 'W1.1', state: 'merged' })];
    expect(closes(pulls, undefined)).toEqual([]);
  });
});

describe('decide: a build mirrored as sub-issues', () => {
  const diamond = make.plan();

  function mirrorActions(
    subIssues: SubIssueInfo[] | undefined,
    mirror = true,
    pulls: PullInfo[] = [],
    { plan = diamond, commands = [] }: { plan?: Plan; commands?: CommandInfo[] } = {},
  ) {
    const snapshot = withPulls({ plan, pulls, subIssues, commands });
    const config = make.config({ approval: 'none', plan: { mirrorSubIssues: mirror } });
    return decide({ snapshot, config, now: NOW }).filter((a) =>
      ['create-mirror', 'retitle-issue', 'close-sub-issue', 'reopen-sub-issue'].includes(a.kind),
    );
  }

  const mirrorOf = (
    number: number,
    worker: string,
    title: string,
    closedAs?: 'completed' | 'not_planned',
  ): SubIssueInfo => ({
    number,
    id: number * 10,
    state: closedAs ? 'closed' : 'open',
    ...(closedAs ? { stateReason: closedAs } : {}),
    title,
    mirrorOf: worker,
  });
  const mirrorsOfDiamond = () => [
    mirrorOf(31, 'W1.1', 'W1.1: Session store'),
    mirrorOf(32, 'W1.2', 'W1.2: Login form'),
    mirrorOf(33, 'W2.1', 'W2.1: Login API'),
  ];
  /** A `/replan` dropped W1.2 and renamed W1.1; W2.1 now needs only W1.1. */
  const replanned = make.plan({
    workers: [
      make.worker({ id: 'W1.1', title: 'Session store v2' }),
      make.worker({ id: 'W2.1', title: 'Login API', depends_on: ['W1.1'] }),
    ],
  });

  it('creates a mirror for each worker that has none, in plan order, with its dependencies', () => {
    expect(mirrorActions([mirrorOf(31, 'W1.1', 'W1.1: Session store')])).toEqual([
      {
        kind: 'create-mirror',
        worker: 'W1.2',
        title: 'W1.2: Login form',
        body: expect.stringContaining(renderMirrorMarker(BUILD, 'W1.2')),
        dependsOn: [],
      },
      {
        kind: 'create-mirror',
        worker: 'W2.1',
        title: 'W2.1: Login API',
        body: expect.stringContaining(renderMirrorMarker(BUILD, 'W2.1')),
        // W1.1's mirror was read (its id); W1.2's is made in the same pass.
        dependsOn: [{ worker: 'W1.1', id: 310 }, { worker: 'W1.2' }],
      },
    ]);
  });

  it('retitles a mirror the plan renamed, and closes one whose worker merged', () => {
    const subs = [
      mirrorOf(31, 'W1.1', 'W1.1: Old name'),
      mirrorOf(32, 'W1.2', 'W1.2: Login form'),
      mirrorOf(33, 'W2.1', 'W2.1: Login API'),
    ];
    const pulls = [make.pull({ number: 102, worker: 'W1.2', state: 'merged' })];
    expect(mirrorActions(subs, true, pulls)).toEqual([
      { kind: 'retitle-issue', number: 31, title: 'W1.1: Session store' },
      { kind: 'close-sub-issue', number: 32, worker: 'W1.2', reason: 'completed' },
    ]);
  });

  it('mirrors nothing with the setting off, or before the sub-issues were read', () => {
    expect(mirrorActions([], false)).toEqual([]);
    expect(mirrorActions(undefined, true)).toEqual([]);
  });

  it('takes no sub-issue that Baton did not open for a mirror', () => {
    const theirs = { number: 40, state: 'open' as const, title: 'W1.1: Session store' };
    expect(mirrorActions([theirs]).map((a) => a.kind === 'create-mirror' && a.worker)).toEqual([
      'W1.1',
      'W1.2',
      'W2.1',
    ]);
  });

  it('closes the mirror of a worker a /replan dropped as not planned, and retitles a renamed one', () => {
    expect(mirrorActions(mirrorsOfDiamond(), true, [], { plan: replanned })).toEqual([
      { kind: 'retitle-issue', number: 31, title: 'W1.1: Session store v2' },
      { kind: 'close-sub-issue', number: 32, worker: 'W1.2', reason: 'not_planned' },
    ]);
  });

  it('leaves a dropped worker’s mirror that is closed already (a second look, a second replica)', () => {
    const subs = mirrorsOfDiamond();
    subs[0] = mirrorOf(31, 'W1.1', 'W1.1: Session store v2');
    subs[1] = mirrorOf(32, 'W1.2', 'W1.2: Login form', 'not_planned');
    expect(mirrorActions(subs, true, [], { plan: replanned })).toEqual([]);
  });

  it('reopens, under its title now, a mirror closed as not planned whose worker came back', () => {
    const subs = mirrorsOfDiamond();
    subs[1] = mirrorOf(32, 'W1.2', 'W1.2: Old form', 'not_planned');
    expect(mirrorActions(subs)).toEqual([
      { kind: 'reopen-sub-issue', number: 32, worker: 'W1.2', title: 'W1.2: Login form' },
    ]);
  });

  it('leaves a mirror closed as completed, or closed by hand otherwise, closed', () => {
    const subs = mirrorsOfDiamond();
    subs[0] = mirrorOf(31, 'W1.1', 'W1.1: Session store', 'completed');
    subs[1] = { ...mirrorOf(32, 'W1.2', 'W1.2: Login form'), state: 'closed' };
    expect(mirrorActions(subs)).toEqual([]);
  });

  it('closes a skipped worker’s mirror as not planned, and opens none for a worker skipped before', () => {
    const skip = (worker: string, commentId: number) =>
      make.command({ name: 'skip', worker }, { commentId });
    const commands = [skip('W1.2', 901), skip('W2.1', 902)];
    const subs = [
      mirrorOf(31, 'W1.1', 'W1.1: Session store'),
      mirrorOf(32, 'W1.2', 'W1.2: Login form'),
    ];
    expect(mirrorActions(subs, true, [], { commands })).toEqual([
      { kind: 'close-sub-issue', number: 32, worker: 'W1.2', reason: 'not_planned' },
    ]);
    subs[1] = mirrorOf(32, 'W1.2', 'W1.2: Login form', 'not_planned');
    expect(mirrorActions(subs, true, [], { commands })).toEqual([]);
  });

  it('closes dropped mirrors in worker order, whatever order GitHub lists them in', () => {
    const one = make.plan({ workers: [make.worker({ id: 'W1.1', title: 'Session store' })] });
    const subs = mirrorsOfDiamond();
    const forward = mirrorActions(subs, true, [], { plan: one });
    expect(forward.map((a) => a.kind === 'close-sub-issue' && a.number)).toEqual([32, 33]);
    expect(mirrorActions([...subs].reverse(), true, [], { plan: one })).toEqual(forward);
  });

  it('closes a cancelled build’s open mirrors: a merged worker’s as completed, the rest as not planned', () => {
    const subs = mirrorsOfDiamond();
    subs[2] = mirrorOf(33, 'W2.1', 'W2.1: Login API', 'not_planned');
    const pulls = [make.pull({ number: 101, worker: 'W1.1', state: 'merged' })];
    const cancel = make.command({ name: 'cancel' }, { commentId: 903 });
    expect(mirrorActions(subs, true, pulls, { commands: [cancel] })).toEqual([
      { kind: 'close-sub-issue', number: 31, worker: 'W1.1', reason: 'completed' },
      { kind: 'close-sub-issue', number: 32, worker: 'W1.2', reason: 'not_planned' },
    ]);
    expect(mirrorActions(subs, false, pulls, { commands: [cancel] })).toEqual([]);
  });

  it('reopens them if the build goes on after its issue was closed and reopened', () => {
    const subs = mirrorsOfDiamond().map((sub) => ({
      ...sub,
      state: 'closed' as const,
      stateReason: 'not_planned' as const,
    }));
    expect(mirrorActions(subs).map((a) => a.kind === 'reopen-sub-issue' && a.number)).toEqual([
      31, 32, 33,
    ]);
  });
});
