import { describe, expect, it } from 'vitest';
import { reasonShown } from '../../sim/chaos/says-why.js';
import { renderStatus } from '../../src/core/status/render-status.js';
import type { BuildProgress, WorkerRow } from '../../src/core/status/status-view.js';
import { makeRunningView, makeWorkerRow } from '../core/factories.js';

/**
 * The chaos runs' and the benchmark's standing invariant reads a build's
 * status comment as a person does (sim/chaos/says-why.ts): a build that does
 * not deliver must show why. Each case renders a status as Baton would.
 */
const running = (workers: WorkerRow[], more: Partial<BuildProgress> = {}) =>
  renderStatus(makeRunningView({ workers, ...more }));

const row = (id: string, state: WorkerRow['state'], note: string | null = null) =>
  makeWorkerRow({ id, state, note });

describe('what a status shows of why a build does not move', () => {
  it('shows nothing for a build at work, its pull requests merging by themselves', () => {
    const status = running([
      row('W1.1', 'merged'),
      row('W1.2', 'working'),
      row('W1.3', 'approved', 'behind the build branch; updated when next in line'),
      row('W2.1', 'waiting', 'waits for W1.2'),
    ]);
    expect(reasonShown(status)).toBeNull();
  });

  it.each<[string, WorkerRow]>([
    ['a worker that needs a person', row('W1.1', 'needs-human', 'GitHub requires a review')],
    ['a failed worker', row('W1.1', 'failed', 'the session failed')],
    ['a partial worker', row('W1.1', 'partial', 'stopped at the budget')],
    ['a worker waiting for money', row('W1.1', 'awaiting-budget', 'raise budget.maxUsd')],
  ])('shows %s', (_name, waiting) => {
    const status = running([row('W1.2', 'working'), waiting]);
    expect(reasonShown(status)).toContain('W1.1');
  });

  it.each<[string, Partial<BuildProgress>]>([
    ['a pause', { paused: { by: 'alice', at: '2026-03-01T10:00:00Z' } }],
    ['a spent budget', { budget: { maxUsd: 5, reached: true } }],
  ])('shows %s', (_name, more) => {
    expect(reasonShown(running([row('W1.1', 'ready')], more))).not.toBeNull();
  });

  it('shows a failed plan, and a plan that waits for /approve', () => {
    const run = { label: 'plan run', url: 'https://github.com/acme/shop/actions/runs/1' };
    const failed = renderStatus({ phase: 'plan-failed', build: '12-add-login', run });
    expect(reasonShown(failed)).toContain('planning session failed');
    const planning = renderStatus({ phase: 'planning', build: '12-add-login', run, replan: false });
    expect(reasonShown(planning)).toBeNull();
  });
});
