import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config/config.js';
import { cancellingClose } from '../../src/core/snapshot/issue-close.js';
import type { BuildSnapshot, IssueStateChange } from '../../src/core/snapshot/snapshot.js';
import { ago, makeStateChange as change, make } from './factories.js';

const config = defaultConfig();
/** The plan run, the build's first, two hours ago (`planRun`). */
const started = make.snapshot();

function issue(
  state: 'open' | 'closed',
  stateChanges: IssueStateChange[],
  more: Partial<BuildSnapshot['issue']> = {},
): Partial<BuildSnapshot> {
  return { issue: { ...started.issue, state, stateChanges, ...more } };
}

/**
 * Which close cancels a build: of the issue's closes and reopens only a
 * writer's (or Baton's, or GitHub's close through the final PR) count, the
 * newest deciding; while the issue is open, from when the build began.
 */
describe('cancellingClose', () => {
  const writerClose = change('closed', { by: 'carol', minutes: 30 });
  const triagerReopen = change('reopened', { by: 'tracy', maySteer: false, minutes: 20 });
  const triagerClose = change('closed', { by: 'tracy', maySteer: false, minutes: 10 });

  it.each<[string, Partial<BuildSnapshot>, string | null]>([
    ['a writer closed it', issue('closed', [writerClose]), 'carol'],
    [
      'a triager reopened what a writer closed',
      issue('open', [writerClose, triagerReopen]),
      'carol',
    ],
    [
      'a triager reopened and closed it again',
      issue('closed', [writerClose, triagerReopen, triagerClose]),
      'carol',
    ],
    [
      'a writer reopened it',
      issue('open', [writerClose, change('reopened', { by: 'dave', minutes: 5 })]),
      null,
    ],
    ['only a triager closed it', issue('closed', [triagerClose]), null],
    [
      'a writer closed it before the build began, a triager reopened it',
      issue('open', [change('closed', { minutes: 300 }), { ...triagerReopen, at: ago(290) }]),
      null,
    ],
    [
      'a writer closed it before any run, after labelling it',
      {
        ...issue('open', [writerClose, triagerReopen]),
        runs: [],
        labelledBy: [{ label: 'orchestrate', login: 'carol', at: ago(40) }],
      },
      'carol',
    ],
    [
      'a writer closed it before labelling it, with no run yet',
      {
        ...issue('open', [writerClose, triagerReopen]),
        runs: [],
        labelledBy: [{ label: 'orchestrate', login: 'carol', at: ago(15) }],
      },
      null,
    ],
    [
      'GitHub closed it through the final PR (merged by a triager’s token)',
      {
        ...issue('closed', [change('closed', { by: 'tracy', maySteer: false, byPull: 99 })]),
        finalPull: { number: 99, state: 'merged', url: 'u' },
      },
      'tracy',
    ],
    [
      'more closes and reopens than Baton reads, none by a writer',
      issue('open', [triagerReopen], { stateChangesCut: true }),
      '(no one)',
    ],
  ])('%s', (_name, overrides, by) => {
    const close = cancellingClose({ ...started, ...overrides }, config);
    expect(close === null ? null : (close.by ?? '(no one)')).toBe(by);
  });
});
