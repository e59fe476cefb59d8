import { describe, expect, it } from 'vitest';
import { decideSetupPull, type SetupPullFacts } from '../../src/core/decide-setup-pull.js';

function facts(overrides: Partial<SetupPullFacts> = {}): SetupPullFacts {
  return { changes: 6, pinOnly: 0, open: false, lastClosed: null, askedAgain: false, ...overrides };
}

describe('decideSetupPull', () => {
  it.each<[string, Partial<SetupPullFacts>, ReturnType<typeof decideSetupPull>]>([
    ['opens one in a repository that never had one', {}, 'open'],
    ['opens nothing when nothing differs', { changes: 0 }, 'none'],
    [
      'opens nothing when nothing differs, even when asked',
      { changes: 0, askedAgain: true },
      'none',
    ],
    ['opens nothing when only the pinned commit differs', { changes: 1, pinOnly: 1 }, 'none'],
    [
      'opens nothing for a pin alone after a merged one',
      { changes: 1, pinOnly: 1, lastClosed: { merged: true } },
      'none',
    ],
    ['brings an open one up to date', { open: true }, 'refresh'],
    ['keeps an open one at the current pin', { changes: 1, pinOnly: 1, open: true }, 'refresh'],
    ['hears "no": the last one was closed unmerged', { lastClosed: { merged: false } }, 'declined'],
    [
      'hears "no" for an update too',
      { changes: 2, pinOnly: 1, lastClosed: { merged: false } },
      'declined',
    ],
    [
      'opens again once someone asks again',
      { lastClosed: { merged: false }, askedAgain: true },
      'open',
    ],
    ['offers an update after a merged one', { changes: 1, lastClosed: { merged: true } }, 'open'],
  ])('%s', (_, overrides, expected) => {
    expect(decideSetupPull(facts(overrides))).toBe(expected);
  });
});
