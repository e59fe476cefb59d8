import { describe, expect, it } from 'vitest';
import { type PinnedSource, sourceDrift } from '../../src/core/setup/source-drift.js';

const TAGGED = 'fedcba9876543210fedcba9876543210fedcba98';
const LATER = '0123456789abcdef0123456789abcdef01234567';
const RELEASE: PinnedSource = {
  ok: true,
  repository: 'baton-dev/baton',
  ref: TAGGED,
  from: 'release',
  tag: 'v0.2.0',
};
const VARIABLE: PinnedSource = { ...RELEASE, ref: LATER, from: 'variable' };

describe('sourceDrift', () => {
  it.each<[string, Parameters<typeof sourceDrift>[0], RegExp | null]>([
    [
      'the checkout is the release, clean',
      { checkout: { head: TAGGED, dirty: false }, pinned: RELEASE },
      null,
    ],
    ['an installed copy, no checkout', { checkout: null, pinned: RELEASE }, null],
    [
      'HEAD is BATON_SOURCE_REF',
      { checkout: { head: LATER.toUpperCase(), dirty: false }, pinned: VARIABLE },
      null,
    ],
    [
      'moved past the release',
      { checkout: { head: LATER, dirty: false }, pinned: RELEASE },
      /runs commit 0123456789ab, but its sessions run v0\.2\.0 \(fedcba987654\).*git checkout v0\.2\.0.*BATON_SOURCE_REPOSITORY and BATON_SOURCE_REF/,
    ],
    [
      'another commit than BATON_SOURCE_REF',
      { checkout: { head: TAGGED, dirty: false }, pinned: VARIABLE },
      /its sessions run BATON_SOURCE_REF 0123456789ab of baton-dev\/baton.*set BATON_SOURCE_REF to the commit you run/,
    ],
    [
      'the release with uncommitted changes',
      { checkout: { head: TAGGED, dirty: true }, pinned: RELEASE },
      /uncommitted changes, which its sessions \(v0\.2\.0 \(fedcba987654\)\) do not run/,
    ],
    [
      'no pinned source (no tag, no variables)',
      {
        checkout: { head: LATER, dirty: false },
        pinned: { ok: false, reason: 'onboarding is off: git fetch --tags' },
      },
      /sessions have no pinned Baton source.*git fetch --tags/,
    ],
  ])('%s', (_, input, expected) => {
    const drift = sourceDrift(input);
    if (expected === null) expect(drift).toBeNull();
    else expect(drift).toMatch(expected);
  });
});
