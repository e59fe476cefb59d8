import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/context/action.js';
import { decide } from '../../src/core/decide/decide.js';
import { finalTitle } from '../../src/core/rules/decide-final.js';
import type { BuildSnapshot } from '../../src/core/snapshot/snapshot.js';
import { renderStatus } from '../../src/core/status/render-status.js';
import { closedBy } from '../support/closing-references.js';
import { viewOf } from './decide-helpers.js';
import { ago, BUILD, deliveredSnapshot, make, NOW, planRun } from './factories.js';

const config = make.config({ approval: 'none' });

const delivered = deliveredSnapshot;

function kinds(actions: Action[]): string[] {
  return actions.map((action) => action.kind);
}

describe('decide: the final pull request', () => {
  it('opens the final PR once every worker is merged or skipped', () => {
    const actions = decide({ snapshot: delivered(), config, now: NOW });
    expect(kinds(actions)).toEqual(['open-final-pull', 'render-status']);
    const open = actions[0];
    expect(open?.kind === 'open-final-pull' && open.title).toBe('[add-login] Add login');
    expect(open?.kind === 'open-final-pull' && open.body).toMatch(/^Closes #12\n/);
  });

  const reviewed = (number: number, worker: string, repeats: string[]) =>
    make.pull({
      number,
      worker,
      state: 'merged',
      reviews: [make.review({ memory: { lessons: 1, findings: 2, repeats } })],
    });

  it("says in the final PR how often Baton's reviews given lessons found one's mistake again", () => {
    const body = (pulls: BuildSnapshot['pulls']) => {
      const open = decide({ snapshot: delivered({ pulls }), config, now: NOW })[0];
      return open?.kind === 'open-final-pull' ? open.body : '';
    };
    expect(body([reviewed(101, 'W1.1', []), reviewed(103, 'W2.1', ['log-it'])])).toContain(
      '**Lessons repeated:** 1 of 4 review findings (25%; `log-it` ×1).',
    );
    expect(body([reviewed(101, 'W1.1', []), reviewed(103, 'W2.1', [])])).toContain(
      '**Lessons repeated:** 0 of 4 review findings (0%).',
    );
    expect(body(delivered().pulls)).not.toContain('Lessons repeated');
  });

  it('says it in the status comment too, while the build runs and once it is delivered', () => {
    const pulls = [reviewed(101, 'W1.1', []), reviewed(103, 'W2.1', ['log-it'])];
    const view = viewOf(decide({ snapshot: delivered({ pulls }), config, now: NOW }));
    const line = '📚 **Lessons repeated:** 1 of 4 review findings (25%; `log-it` ×1).';
    expect(renderStatus(view)).toContain(line);
    if (view.phase !== 'running') throw new Error(`the build is ${view.phase}`);
    expect(renderStatus({ phase: 'done', build: BUILD, progress: view.progress })).toContain(line);
    const unreviewed = viewOf(decide({ snapshot: delivered(), config, now: NOW }));
    expect(renderStatus(unreviewed)).not.toContain('Lessons repeated');
  });

  it('names no issue to close in the final PR title, which is the squash commit title on the default branch', () => {
    const title = finalTitle(
      BUILD,
      make.plan({
        title: 'Fixes #3, closes acme/other#4, resolves https://github.com/acme/shop/issues/5',
      }),
    );
    expect(title).toBe(
      '[add-login] Fixes\u200B #3, closes\u200B acme/other#4, resolves\u200B https://github.com/acme/shop/issues/5',
    );
    expect(closedBy(title)).toEqual([]);
  });

  it('does not open the final PR while a worker is unfinished', () => {
    const snapshot = delivered({ commands: [] });
    expect(kinds(decide({ snapshot, config, now: NOW }))).not.toContain('open-final-pull');
  });

  it.each([
    [
      'asks for auto-merge with final.autoMerge',
      { autoMerge: true },
      undefined,
      ['enable-auto-merge', 'notice', 'render-status'],
    ],
    [
      'does not ask again once auto-merge is on',
      { autoMerge: true },
      true,
      ['notice', 'render-status'],
    ],
    [
      'leaves the final PR to people without final.autoMerge',
      { autoMerge: false },
      undefined,
      ['notice', 'render-status'],
    ],
  ])('%s', (_name, final, autoMerge, expected) => {
    const finalPull = {
      number: 200,
      state: 'open' as const,
      url: 'https://github.com/acme/shop/pull/200',
      ...(autoMerge === undefined ? {} : { autoMerge }),
    };
    const actions = decide({
      snapshot: delivered({ finalPull }),
      config: make.config({ approval: 'none', final }),
      now: NOW,
    });
    expect(kinds(actions)).toEqual(expected);
  });

  it('is done once the final PR is merged, even though that closed the issue', () => {
    const finalPull = {
      number: 200,
      state: 'merged' as const,
      url: 'https://github.com/acme/shop/pull/200',
    };
    const snapshot = delivered({ finalPull, issue: { ...make.snapshot().issue, state: 'closed' } });
    const actions = decide({ snapshot, config, now: NOW });
    // Its one learn session (docs/memory.md) is all that is left to start.
    expect(kinds(actions)).toEqual(['dispatch', 'render-status']);
    expect(viewOf(actions).phase).toBe('done');
  });
});

describe('decide: cancelling', () => {
  const running = make.snapshot({
    runs: [
      planRun(),
      make.run({ id: 7011, worker: 'W1.1' }),
      make.run({
        id: 7012,
        worker: 'W1.2',
        status: 'in_progress',
        conclusion: null,
        createdAt: ago(5),
      }),
      make.run({
        id: 7301,
        role: 'review',
        worker: 'W1.1',
        trigger: 'head-abc',
        status: 'queued',
        conclusion: null,
        createdAt: ago(1),
      }),
    ],
    pulls: [make.pull({ number: 101, worker: 'W1.1' })],
    branches: { 'W1.2': 'b', 'W1.1': 'a' },
  });

  it.each([
    [
      'a /cancel',
      { commands: [make.command({ name: 'cancel' }, { author: 'carol' })] },
      { by: 'carol', at: ago(10) },
    ],
    [
      'its issue closed by a writer',
      {
        issue: {
          ...running.issue,
          state: 'closed' as const,
          closed: { by: 'carol', at: ago(5), byPull: null, maySteer: true },
        },
      },
      { by: 'carol', at: ago(5), closed: true },
    ],
  ])(
    'stops the build on %s: closes PRs, deletes worker branches, cancels runs, dispatches nothing',
    (_name, overrides, cancelledBy) => {
      const actions = decide({ snapshot: { ...running, ...overrides }, config, now: NOW });
      expect(actions.slice(0, -1)).toEqual([
        { kind: 'close-pull', pull: 101 },
        { kind: 'delete-branch', branch: `baton/${BUILD}/W1.1` },
        { kind: 'delete-branch', branch: `baton/${BUILD}/W1.2` },
        { kind: 'cancel-run', runId: 7012 },
        { kind: 'cancel-run', runId: 7301 },
      ]);
      expect(viewOf(actions)).toMatchObject({ phase: 'cancelled', cancelledBy });
    },
  );

  it('stays cancelled after a /resume', () => {
    const commands = [
      make.command({ name: 'cancel' }, { commentId: 1, createdAt: ago(9) }),
      make.command({ name: 'resume' }, { commentId: 2, createdAt: ago(8) }),
    ];
    expect(viewOf(decide({ snapshot: make.snapshot({ commands }), config, now: NOW })).phase).toBe(
      'cancelled',
    );
  });
});

describe('decide: the status comment', () => {
  it.each<[string, BuildSnapshot]>([
    ['planning', make.snapshot({ plan: { kind: 'missing' }, runs: [] })],
    ['running', make.snapshot()],
    ['delivering', delivered()],
    ['cancelled', make.snapshot({ commands: [make.command({ name: 'cancel' })] })],
  ])('is rendered exactly once, last, while %s', (_name, snapshot) => {
    const actions = decide({ snapshot, config, now: NOW });
    expect(actions.filter((action) => action.kind === 'render-status')).toHaveLength(1);
    expect(actions.at(-1)?.kind).toBe('render-status');
  });
});
