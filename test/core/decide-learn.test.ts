import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/context/action.js';
import { decide } from '../../src/core/decide/decide.js';
import { renderRunName } from '../../src/core/sessions/session.js';
import {
  ago,
  BUILD,
  deliveredSnapshot,
  endedSnapshot,
  makeCommand,
  makeConfig,
  makeRun,
  NOW,
} from './factories.js';

function learnDispatches(actions: Action[]) {
  return actions.flatMap((action) =>
    action.kind === 'dispatch' && action.request.role === 'learn' ? [action.request] : [],
  );
}

const config = makeConfig({ approval: 'none' });

describe('decide: the learn session of an ended build (docs/memory.md)', () => {
  it('asks for one once the final pull request is merged, by the build alone, named `baton learn <build> - -`', () => {
    const actions = decide({ snapshot: endedSnapshot('merged'), config, now: NOW });
    const [request, ...more] = learnDispatches(actions);
    expect(more).toEqual([]);
    expect(request).toMatchObject({ role: 'learn', build: BUILD, issue: 12 });
    expect(request?.worker).toBeUndefined();
    expect(request?.trigger).toBeUndefined();
    expect(renderRunName(request!)).toBe(`baton learn ${BUILD} - -`);
    // The lock refs stay while a dispatch needs its own.
    expect(actions.some((action) => action.kind === 'clean-up-refs')).toBe(false);
  });

  it('asks for one once the final pull request is closed without merging', () => {
    const actions = decide({ snapshot: endedSnapshot('closed'), config, now: NOW });
    expect(learnDispatches(actions)).toHaveLength(1);
  });

  it('asks for none while the final pull request is open, or before there is one', () => {
    for (const snapshot of [endedSnapshot('open'), { ...endedSnapshot('open'), finalPull: null }])
      expect(learnDispatches(decide({ snapshot, config, now: NOW }))).toEqual([]);
  });

  it('asks once: a learn run of the build, running, done or failed, is its answer', () => {
    for (const status of [
      { status: 'in_progress' as const, conclusion: null },
      { status: 'completed' as const, conclusion: 'success' as const },
      { status: 'completed' as const, conclusion: 'failure' as const },
    ]) {
      const learn = makeRun({
        id: 7090,
        role: 'learn',
        worker: null,
        createdAt: ago(3),
        ...status,
      });
      const snapshot = endedSnapshot('merged', { runs: [...deliveredSnapshot().runs, learn] });
      expect(learnDispatches(decide({ snapshot, config, now: NOW }))).toEqual([]);
    }
  });

  it('asks for none with memory.enabled: false, nor while the build is paused', () => {
    const off = makeConfig({ approval: 'none', memory: { enabled: false } });
    expect(
      learnDispatches(decide({ snapshot: endedSnapshot('merged'), config: off, now: NOW })),
    ).toEqual([]);
    const paused = endedSnapshot('closed', {
      commands: [...deliveredSnapshot().commands, makeCommand({ name: 'pause' }, { commentId: 9 })],
    });
    expect(learnDispatches(decide({ snapshot: paused, config, now: NOW }))).toEqual([]);
  });

  it("asks for one learn session a writer's /remember, by its comment, once, whether the build runs or has ended", () => {
    const remember = makeCommand(
      { name: 'remember', rule: 'log through src/log.ts' },
      { commentId: 77 },
    );
    for (const state of ['open', 'merged'] as const) {
      const snapshot = endedSnapshot(state, {
        commands: [...deliveredSnapshot().commands, remember],
      });
      const asked = learnDispatches(decide({ snapshot, config, now: NOW })).filter(
        (request) => request.trigger === 'comment-77',
      );
      expect(asked).toHaveLength(1);
      expect(renderRunName(asked[0]!)).toBe(`baton learn ${BUILD} - comment-77`);
      const answered = makeRun({
        id: 7091,
        role: 'learn',
        worker: null,
        trigger: 'comment-77',
        createdAt: ago(2),
      });
      const again = { ...snapshot, runs: [...snapshot.runs, answered] };
      expect(
        learnDispatches(decide({ snapshot: again, config, now: NOW })).filter(
          (request) => request.trigger === 'comment-77',
        ),
      ).toEqual([]);
    }
  });
});
