import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide/decide.js';
import { baseGone } from '../../src/core/decide/decide-ended.js';
import { type AskRecord, buildBaseBranch } from '../../src/core/snapshot/ask-record.js';
import { type BuildSnapshot, buildBase } from '../../src/core/snapshot/snapshot.js';
import { makeConfig, makePull, makeSnapshot, sha } from './factories.js';

const BY_PULL: AskRecord = {
  by: 'alice',
  how: { way: 'pull-label', pull: 7, label: 'orchestrate', branch: 'release/2.0' },
  at: '2026-11-22T10:00:00Z',
  what: { kind: 'build', type: 'code' },
};
const BY_LABEL: AskRecord = { ...BY_PULL, how: { way: 'label', label: 'orchestrate' } };
const ON_PULL = { branch: 'release/2.0', sha: sha('r1'), pull: 7 };

/** The base a build starts from, is kept in sync with and delivers into: its ask's pull request's branch, else the default branch. */
describe('a build’s base', () => {
  it.each<[string, AskRecord | undefined, string]>([
    ['a labelled pull request’s branch', BY_PULL, 'release/2.0'],
    ['the default branch for an issue’s label', BY_LABEL, 'main'],
    ['the default branch where no ask is recorded', undefined, 'main'],
  ])('is %s', (_, ask, branch) => {
    expect(buildBaseBranch(ask, 'main')).toBe(branch);
  });

  it.each<[string, Partial<BuildSnapshot>, { branch: string; sha: string }]>([
    ['the default branch and its head', {}, { branch: 'main', sha: sha('d1') }],
    ['the base observe read', { base: ON_PULL }, { branch: 'release/2.0', sha: sha('r1') }],
  ])('reads from the snapshot as %s', (_, overrides, base) => {
    expect(buildBase(makeSnapshot(overrides))).toEqual(base);
  });
});

/** A build on a pull request's branch stops, saying why, when that branch or pull request goes before its final pull request. */
describe('baseGone', () => {
  const closed = (snapshot: BuildSnapshot): Partial<BuildSnapshot> => ({
    issue: { ...snapshot.issue, state: 'closed' },
  });
  const final = { number: 9, state: 'open' as const, url: 'https://github.com/acme/shop/pull/9' };

  it.each<[string, Partial<BuildSnapshot>, ReturnType<typeof baseGone>]>([
    ['a build on the default branch', closed(makeSnapshot()), null],
    ['its pull request open, its branch there', { base: ON_PULL }, null],
    [
      'its branch deleted',
      { base: { ...ON_PULL, sha: null } },
      { why: 'deleted', pull: 7, branch: 'release/2.0' },
    ],
    [
      'its pull request closed',
      { base: ON_PULL, ...closed(makeSnapshot()) },
      { why: 'closed', pull: 7, branch: 'release/2.0' },
    ],
    [
      'its pull request closed once the final pull request is open',
      { base: ON_PULL, ...closed(makeSnapshot()), finalPull: final },
      null,
    ],
  ])('%s', (_, overrides, gone) => {
    expect(baseGone(makeSnapshot(overrides))).toEqual(gone);
  });

  it('stops the build once, closing its worker pull requests, with a notice naming the deleted branch', () => {
    const snapshot = makeSnapshot({
      ask: BY_PULL,
      base: { ...ON_PULL, sha: null },
      pulls: [makePull({ number: 12, state: 'open' })],
      statusComment: { id: 1, body: '' },
    });
    const actions = decide({ snapshot, config: makeConfig(), now: '2026-11-22T12:00:00Z' });
    expect(actions.filter((action) => action.kind === 'close-pull')).toEqual([
      { kind: 'close-pull', pull: 12 },
    ]);
    const notices = actions.filter((action) => action.kind === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ key: 'base-gone-deleted' });
    expect(JSON.stringify(notices[0])).toContain(
      '@alice 🛑 Baton stopped this build: the branch `release/2.0` it builds on was deleted before its final pull request opened',
    );
    const again = decide({
      snapshot: { ...snapshot, notices: ['base-gone-deleted'] },
      config: makeConfig(),
      now: '2026-11-22T12:00:00Z',
    });
    expect(again.filter((action) => action.kind === 'notice')).toEqual([]);
  });
});
