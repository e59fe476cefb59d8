import { describe, expect, it } from 'vitest';
import { attentionOf } from '../../src/core/status/render-status.js';
import type {
  BuildProgress,
  StatusView,
  ValidationView,
  WorkerRow,
} from '../../src/core/status/status-view.js';
import { BUILD, makeRunningView, makeTotals, makeWorkerRow } from './factories.js';

function row(overrides: Partial<WorkerRow> & { id: string }): WorkerRow {
  const run = { label: 'work run', url: 'https://github.com/acme/shop/actions/runs/7' };
  return makeWorkerRow({ state: 'working', run, attempts: 1, ...overrides });
}

function running(overrides: Partial<BuildProgress> = {}): StatusView {
  return makeRunningView({
    workers: [row({ id: 'W1.1' }), row({ id: 'W1.2' })],
    totals: makeTotals({ merged: 0, skipped: 0, total: 2 }),
    budget: { maxUsd: 50, reached: false },
    ...overrides,
  });
}

const base = attentionOf(running());

function validation(state: ValidationView['state']): ValidationView {
  return {
    milestone: 1,
    state,
    head: 'a'.repeat(40),
    url: null,
    failed: state === 'failed' ? [{ check: 'W1.1:1', worker: 'W2.1' }] : [],
  };
}

describe('attentionOf: what a running status shows that asks or answers a person', () => {
  it.each<[string, Partial<BuildProgress>]>([
    [
      'a worker in review',
      { workers: [row({ id: 'W1.1', state: 'reviewing' }), row({ id: 'W1.2' })] },
    ],
    ['a worker merged', { workers: [row({ id: 'W1.1', state: 'merged' }), row({ id: 'W1.2' })] }],
    ['tokens and cost', { totals: makeTotals({ merged: 0, skipped: 0, total: 2, costUsd: 3 }) }],
    ['a run link', { workers: [row({ id: 'W1.1', run: null }), row({ id: 'W1.2' })] }],
    [
      'a worker that waits for a person by risk while the rest goes on (nobody is asked yet)',
      {
        workers: [
          row({ id: 'W1.1', state: 'needs-human', note: 'waits for a person', waitsByRisk: true }),
          row({ id: 'W1.2' }),
        ],
      },
    ],
    ['the contract arrived, no validation yet', { validations: [] }],
    ['a validation running', { validations: [validation('running')] }],
    ['a milestone validated', { validations: [validation('passed')] }],
  ])('is the same after progress alone: %s', (_name, change) => {
    expect(attentionOf(running(change))).toBe(base);
  });

  it.each<[string, Partial<BuildProgress>]>([
    ['a pause', { paused: { by: 'maintainer', at: '2026-11-23T10:00:00Z' } }],
    ['a spent budget', { budget: { maxUsd: 50, reached: true } }],
    [
      'a worker that needs a person',
      { workers: [row({ id: 'W1.1', state: 'needs-human' }), row({ id: 'W1.2' })] },
    ],
    ['a failed worker', { workers: [row({ id: 'W1.1', state: 'failed' }), row({ id: 'W1.2' })] }],
    [
      'the final pull request',
      { finalPull: { number: 9, url: 'https://github.com/acme/shop/pull/9', state: 'open' } },
    ],
    ['a failed validation', { validations: [validation('failed')] }],
    [
      'a validation session that ended without a result',
      { validations: [validation('session-failed')] },
    ],
    [
      'the build standing for workers that wait for a person by risk',
      {
        workers: [
          row({ id: 'W1.1', state: 'needs-human', note: 'waits for a person', waitsByRisk: true }),
          row({ id: 'W1.2', state: 'merged' }),
        ],
        waitsForPerson: ['W1.1'],
      },
    ],
    [
      'a command taken',
      { history: [{ author: 'maintainer', text: '/retry W1.1', at: '2026-11-23T10:00:00Z' }] },
    ],
  ])('changes with %s', (_name, change) => {
    expect(attentionOf(running(change))).not.toBe(base);
  });

  it('changes when the issue was closed by someone who cannot steer the build: a close is answered as a command is', () => {
    const closed = { ...running(), ignoredClose: { by: 'octocat', at: '2026-11-23T10:00:00Z' } };
    expect(attentionOf(closed)).not.toBe(base);
  });

  it('is null for every other phase: each of its changes is edited at the pace of every edit', () => {
    expect(attentionOf({ phase: 'done', build: BUILD, progress: null })).toBeNull();
    expect(attentionOf({ phase: 'planning', build: BUILD, run: null, replan: false })).toBeNull();
  });
});
