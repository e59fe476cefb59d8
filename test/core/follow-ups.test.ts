import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/plan/plan.js';
import { validatePlan } from '../../src/core/plan/validate-plan.js';
import { foldFollowUps, followUpAmendmentProblems } from '../../src/core/snapshot/follow-ups.js';
import {
  ago,
  BUILD,
  makeCommand,
  makeNormalSnapshot,
  makePlan,
  makeRun,
  makeWorker,
} from './factories.js';

const research = makePlan({ type: 'research' });
const followUp = makeWorker({ id: 'W3.1', title: 'Microsoft accounts', follow_up: 1 });
const withRound = (...added: Plan['workers']): Plan => ({
  ...research,
  workers: [...research.workers, ...added],
});

describe('followUpAmendmentProblems: what a synthesis may do to plan.json', () => {
  const check = (
    after: unknown,
    { briefs = ['W3.1'], before = research as unknown, findings = [] as string[] } = {},
  ) =>
    followUpAmendmentProblems({
      before,
      after,
      build: BUILD,
      briefs,
      briefSizes: Object.fromEntries(briefs.map((id) => [`workers/${id}.md`, 300])),
      hasFindings: (id) => findings.includes(id),
    });

  it('accepts one new round after every planned worker, each with its brief', () => {
    expect(check(withRound(followUp))).toEqual([]);
    expect(check(undefined, { briefs: [] })).toEqual([]);
  });

  it.each<[string, unknown, { briefs?: string[]; before?: unknown; findings?: string[] }, string]>([
    [
      'a follow-up that names a code path',
      withRound({ ...followUp, outputs: ['src/login.ts'] }),
      {},
      'W3.1 is a follow-up question; remove "outputs" from it.',
    ],
    [
      'a rewritten finished worker',
      {
        ...withRound(followUp),
        workers: [{ ...research.workers[0], title: 'x' }, ...withRound(followUp).workers.slice(1)],
      },
      {},
      'W1.1 is changed or moved',
    ],
    [
      'a changed summary',
      { ...withRound(followUp), summary: 'Other.' },
      {},
      'changes nothing in the plan but',
    ],
    [
      'a worker without its round',
      withRound(makeWorker({ id: 'W3.1' })),
      {},
      'W3.1 is appended without "follow_up": 1',
    ],
    ['a follow-up without its brief', withRound(followUp), { briefs: [] }, 'W3.1 has no brief'],
    [
      'a brief with no plan change',
      undefined,
      { briefs: ['W1.1'] },
      'a synthesis adds briefs only for the follow-up workers it appends',
    ],
    [
      'a follow-up in the wave of a planned worker',
      withRound({ ...followUp, id: 'W2.2' }),
      { briefs: ['W2.2'] },
      'give it an id in wave 3 or later',
    ],
    [
      'a round after one that has not run',
      withRound(followUp, makeWorker({ id: 'W4.1', follow_up: 2 })),
      { briefs: ['W4.1'], before: withRound(followUp) },
      'follow-up round 1 is proposed and has not run',
    ],
    [
      'an amendment of a code build',
      withRound(followUp),
      { before: makePlan() },
      'a synthesis amends only the valid plan of a research build',
    ],
  ])('refuses %s', (_name, after, options, problem) => {
    expect(check(after, options).join('\n')).toContain(problem);
  });

  it('accepts a second round once the first has findings', () => {
    const second = withRound(followUp, makeWorker({ id: 'W4.1', follow_up: 2 }));
    const options = { briefs: ['W4.1'], before: withRound(followUp), findings: ['W3.1'] };
    expect(check(second, options)).toEqual([]);
  });
});

describe('validatePlan: follow-up workers', () => {
  const validate = (plan: unknown) => {
    const briefSizes = Object.fromEntries(
      (plan as Plan).workers.map((w) => [`workers/${w.id}.md`, 10]),
    );
    const result = validatePlan({ raw: plan, build: BUILD, briefSizes });
    return result.ok ? [] : result.problems;
  };

  it('accepts rounds in order, each after the workers before it', () => {
    expect(validate(withRound(followUp, makeWorker({ id: 'W4.1', follow_up: 2 })))).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['in a code plan', { ...withRound(followUp), type: undefined }, 'only a research plan'],
    ['with a gap in rounds', withRound({ ...followUp, follow_up: 2 }), 'comes without round 1'],
    [
      'before a planned wave',
      withRound({ ...followUp, id: 'W2.2' }),
      'workers planned before it reach wave 2',
    ],
  ])('refuses follow-ups %s', (_name, plan, problem) => {
    expect(validate(plan).join('\n')).toContain(problem);
  });
});

describe('foldFollowUps: proposed, approved, skipped', () => {
  const synthesis = (id: number, minutes: number) =>
    makeRun({
      id,
      role: 'synthesis',
      worker: null,
      createdAt: ago(minutes + 5),
      updatedAt: ago(minutes),
    });
  const approve = (id: number, minutes: number) =>
    makeCommand({ name: 'approve' }, { commentId: id, createdAt: ago(minutes) });
  const skip = (id: number, minutes: number) =>
    makeCommand({ name: 'skip-follow-ups' }, { commentId: id, createdAt: ago(minutes) });
  const fold = (
    plan: Plan,
    succeeded: ReturnType<typeof synthesis>[],
    approvals: ReturnType<typeof approve>[] = [],
    declines: ReturnType<typeof skip>[] = [],
  ) => {
    // The rules read them as the snapshot's normalisation leaves them: timed.
    const { runs, commands } = makeNormalSnapshot({
      runs: succeeded,
      commands: [...approvals, ...declines],
    });
    const named = (name: string) => commands.filter((info) => info.command.name === name);
    return foldFollowUps({
      plan,
      succeeded: runs,
      approvals: named('approve'),
      declines: named('skip-follow-ups'),
    });
  };

  it('proposes nothing before the synthesis that wrote the round has succeeded', () => {
    expect(fold(withRound(followUp), [])).toEqual({
      approvedRounds: 0,
      since: null,
      proposed: null,
    });
  });

  it('proposes the round once its synthesis succeeded; an /approve from before does not count', () => {
    const state = fold(withRound(followUp), [synthesis(7100, 30)], [approve(901, 50)]);
    expect(state.approvedRounds).toBe(0);
    expect(state.proposed).toEqual({ round: 1, workers: ['W3.1'], declined: null });
  });

  it('approves the round with the first /approve after the synthesis', () => {
    const state = fold(withRound(followUp), [synthesis(7100, 30)], [approve(901, 20)]);
    expect(state).toMatchObject({ approvedRounds: 1, since: { commentId: 901 }, proposed: null });
  });

  it('declines the round with a /skip follow-ups written before any /approve', () => {
    const state = fold(
      withRound(followUp),
      [synthesis(7100, 30)],
      [approve(902, 10)],
      [skip(901, 20)],
    );
    expect(state.approvedRounds).toBe(0);
    expect(state.proposed?.declined?.commentId).toBe(901);
  });

  it('proposes a second round only after the synthesis that followed the first', () => {
    const plan = withRound(followUp, makeWorker({ id: 'W4.1', follow_up: 2 }));
    expect(fold(plan, [synthesis(7100, 30)], [approve(901, 20)]).proposed).toBeNull();
    const state = fold(plan, [synthesis(7100, 30), synthesis(7101, 10)], [approve(901, 20)]);
    expect(state).toMatchObject({ approvedRounds: 1, proposed: { round: 2, workers: ['W4.1'] } });
  });
});
