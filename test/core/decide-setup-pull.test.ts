import { describe, expect, it } from 'vitest';
import { decideSetupPull, type SetupPullFacts } from '../../src/core/setup/decide-setup-pull.js';

const CLOSED = '2026-11-20T10:00:00Z';

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
      { changes: 1, pinOnly: 1, lastClosed: { merged: true, closedAt: CLOSED } },
      'none',
    ],
    ['brings an open one up to date', { open: true }, 'refresh'],
    ['keeps an open one at the current pin', { changes: 1, pinOnly: 1, open: true }, 'refresh'],
    [
      'hears "no": the last one was closed unmerged',
      { lastClosed: { merged: false, closedAt: CLOSED } },
      'declined',
    ],
    [
      'hears "no" for an update too',
      { changes: 2, pinOnly: 1, lastClosed: { merged: false, closedAt: CLOSED } },
      'declined',
    ],
    [
      'opens again once someone asks again',
      { lastClosed: { merged: false, closedAt: CLOSED }, askedAgain: true },
      'open',
    ],
    [
      'opens again when a writer labelled an issue after the "no"',
      { lastClosed: { merged: false, closedAt: CLOSED }, labelledAt: '2026-11-21T09:00:00Z' },
      'open',
    ],
    [
      'keeps the "no" when the label came before it',
      { lastClosed: { merged: false, closedAt: CLOSED }, labelledAt: '2026-11-19T09:00:00Z' },
      'declined',
    ],
    [
      'keeps the "no" when the label time is unknown',
      { lastClosed: { merged: false, closedAt: CLOSED }, labelledAt: null },
      'declined',
    ],
    [
      'offers an update after a merged one',
      { changes: 1, lastClosed: { merged: true, closedAt: CLOSED } },
      'open',
    ],
  ])('%s', (_, overrides, expected) => {
    expect(decideSetupPull(facts(overrides))).toBe(expected);
  });
});
