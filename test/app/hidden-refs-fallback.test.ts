import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import {
  clearHiddenRefReading,
  hiddenRefReadingOf,
} from '../../src/github/observe/hidden-records.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, statusBody } from '../support/builds.js';
import {
  inOrder,
  makeScript,
  runApprovedBuild,
  type SessionScript,
} from '../support/scripted-sessions.js';

/**
 * Two workers at once, whose work (each reviewed in its own run) spends past the budget
 * with the plan, and a third after them that the budget then holds.
 */
const WORKERS = [
  { id: 'W1.1', title: 'OAuth provider' },
  { id: 'W1.2', title: 'Login routes' },
  { id: 'W2.1', title: 'Session cookies', depends_on: ['W1.1'] },
];

/**
 * Usage records live at hidden refs (refs/baton/<build>/usage/…). Whether
 * GraphQL's `refs(refPrefix:)` lists refs outside refs/heads and refs/tags is
 * documented nowhere; where it does not, the budget must still count them.
 */
describe('usage records on a GitHub whose GraphQL does not list hidden refs', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  beforeEach(clearHiddenRefReading);
  startAppEachTest((started) => ({ gh, app } = started));

  async function runBuild(script: SessionScript) {
    await runApprovedBuild({ gh, apps: [app], script, delivery: inOrder });
    expect(app.errors).toEqual([]);
  }

  it.each([
    ['lists them', 'graphql', true],
    ['does not list them', 'rest', false],
  ])(
    'pauses at budget.maxUsd when GraphQL %s, reading the records through %s',
    async (_, reading, lists) => {
      gh.graphqlListsHiddenRefs = lists;
      gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'budget:\n  maxUsd: 1\n' });
      await runBuild(
        makeScript({
          workers: WORKERS,
          usageUsd: { plan: 0.7, work: 0.4, review: 0.05, fix: 0.1 },
        }),
      );

      const status = statusBody(gh, BUILD) ?? '';
      expect(status).toContain('Paused, budget reached');
      expect(status).toMatch(/plan \$0\.70/);
      expect([...gh.pulls.values()].some((p) => p.head === integrationBranch(BUILD))).toBe(false);
      expect(gh.runs.filter((run) => run.inputs.worker === 'W2.1')).toEqual([]);
      expect(hiddenRefReadingOf(gh)).toBe(reading);
      // Each record's commit is read over REST only where GraphQL does not list it.
      const commits = gh.log.filter((entry) => entry.route.endsWith('/git/commits/{commit_sha}'));
      expect(commits.length > 0).toBe(!lists);
    },
  );
});
