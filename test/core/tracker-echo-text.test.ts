import { describe, expect, it } from 'vitest';
import type { StatusView } from '../../src/core/status/status-view.js';
import {
  echoStage,
  plannedEcho,
  trackerEchoText,
} from '../../src/core/trackers/tracker-echo-text.js';
import { makeRunningView, makeTotals, makeWorkerRow } from './factories.js';

const build = {
  repository: 'acme/shop',
  issue: 7,
  url: 'https://github.com/acme/shop/issues/7',
  asker: 'alice',
};
const final = (state: 'open' | 'closed' | 'merged') => ({
  number: 9,
  url: 'https://github.com/acme/shop/pull/9',
  state,
});
const twoOfThree = makeTotals({ merged: 2, skipped: 0, total: 3 });
const progress = (view: StatusView) => {
  if (view.phase !== 'running') throw new Error('not running');
  return view.progress;
};

describe('the text Baton keeps on a tracker issue', () => {
  it.each<[string, StatusView, string]>([
    [
      'planning',
      { phase: 'planning', build: 'b', run: null, replan: false },
      'Planning: Baton asked for a build on GitHub as @alice; its plan is being written.',
    ],
    [
      'plan failed',
      { phase: 'plan-failed', build: 'b', run: { label: 'run', url: 'https://x' } },
      "Waiting for a person on GitHub: the plan's session failed.",
    ],
    ['running', makeRunningView({ totals: twoOfThree }), 'Running: 2 of 3 workers merged.'],
    [
      'waiting',
      makeRunningView({
        totals: twoOfThree,
        workers: [makeWorkerRow({ id: 'W1.1', state: 'failed', note: 'a note of a session' })],
      }),
      'Waiting for a person on GitHub: 2 of 3 workers merged, 1 waiting for a person.',
    ],
    [
      'final-pull',
      makeRunningView({
        totals: makeTotals({ merged: 3, skipped: 0, total: 3 }),
        finalPull: final('open'),
      }),
      'Final pull request open: #9, 3 of 3 workers merged. Merging it delivers the build.',
    ],
    [
      'closed final',
      makeRunningView({ finalPull: final('closed') }),
      'Waiting for a person: the final pull request #9 was closed without merging.',
    ],
    [
      'delivered',
      {
        phase: 'done',
        build: 'b',
        progress: progress(makeRunningView({ finalPull: final('merged') })),
      },
      'Delivered: the final pull request #9 was merged.',
    ],
    [
      'cancelled',
      { phase: 'cancelled', build: 'b', progress: null, cancelledBy: { by: 'eve', at: 'now' } },
      'Stopped: the build was cancelled on GitHub.',
    ],
  ])('%s: the marker, where the build stands, where to follow it', (_, view, line) => {
    const lines = trackerEchoText({ tracker: 'linear', build, view });
    expect(lines[0]).toBe('Baton build: acme/shop#7');
    expect(lines[1]).toBe(line);
    expect(lines[2]).toMatch(/^On GitHub: https:\/\/github\.com\/acme\/shop\/(issues\/7|pull\/9)$/);
  });

  it("follows a change set's final pull requests, in the order they land, to its delivery", () => {
    const line = (name: string, final: 'open' | 'merged' | null, number: number) => ({
      name,
      url: `https://github.com/${name}`,
      workers: 1,
      done: 1,
      after: [],
      branch: null,
      state: 'landing' as const,
      note: null,
      final: final
        ? { number, url: `https://github.com/${name}/pull/${number}`, state: final }
        : null,
      released: true,
      revert: null,
    });
    const set = (lib: 'open' | 'merged' | null, shop: 'open' | 'merged' | null) => ({
      home: 'acme/shop',
      repositories: [
        line('acme/lib', lib, 2),
        line('acme/shop', shop, 4),
        line('a b/<x>', shop, 5),
      ],
    });
    const totals = makeTotals({ merged: 3, skipped: 0, total: 3 });
    const text = (view: StatusView) => trackerEchoText({ tracker: 'linear', build, view })[1];

    expect(text({ ...makeRunningView({ totals }), changeSet: set('open', null) })).toBe(
      'Running: 3 of 3 workers merged.',
    );
    expect(text({ ...makeRunningView({ totals }), changeSet: set('merged', 'open') })).toBe(
      'Final pull requests open: acme/lib#2, acme/shop#4, 3 of 3 workers merged. Merging them, in this order, delivers the build.',
    );
    const done: StatusView = {
      phase: 'done',
      build: 'b',
      progress: progress(makeRunningView({ totals })),
      changeSet: set('merged', 'merged'),
    };
    expect(text(done)).toBe(
      'Delivered: the final pull requests acme/lib#2, acme/shop#4 were merged.',
    );
  });

  it('says where the issue stands once delivered, and the door says first what planning says', () => {
    const view: StatusView = { phase: 'done', build: 'b', progress: null };
    expect(echoStage(view)).toBe('delivered');
    expect(trackerEchoText({ tracker: 'jira', build, view, moved: { kind: 'done' } }).at(-1)).toBe(
      'Done in Jira.',
    );
    expect(
      trackerEchoText({
        tracker: 'jira',
        build,
        view,
        moved: { kind: 'not-moved', why: 'no-done-transition' },
      }).at(-1),
    ).toMatch(/^Not moved to done: Jira offers no transition/);
    expect(
      trackerEchoText({
        tracker: 'linear',
        build,
        view: { phase: 'planning', build: 'b', run: null, replan: false },
      }),
    ).toEqual(plannedEcho(build));
  });

  it('echoes no text but its own: a name or an address that could carry markup is left out', () => {
    const view = makeRunningView({ title: 'Ignore all <!-- --> [x](https://evil.example)' });
    const lines = trackerEchoText({
      tracker: 'linear',
      build: {
        repository: 'acme/shop <!--',
        issue: 7,
        url: 'https://github.com/acme/shop/issues/7)[click](https://evil.example',
        asker: 'alice <b>',
      },
      view,
    });
    expect(lines.join('\n')).not.toMatch(/evil|<|Ignore/);
    expect(lines[0]).toBe('Baton build: a repository#7');
    expect(plannedEcho({ ...build, asker: '@here everyone' })[1]).not.toContain('@here');
  });
});
