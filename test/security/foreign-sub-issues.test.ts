import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, MIRROR_SUB_ISSUES } from '../support/builds.js';
import { driveBuild } from '../support/scripted-sessions.js';

/**
 * A sub-issue may live in another repository, where its number names
 * something else. Baton knows only sub-issues of the build's own repository:
 * one of another repository, even one Baton's bot opened there with a
 * mirror's marker, never makes it close or reopen this repository's issue of
 * the same number (docs/security.md, "Text in prompts"; docs/sub-issues.md).
 */
const WORKERS = [{ id: 'W1.1', title: 'OAuth provider' }];

describe('a sub-issue of another repository', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let apps: AppHarness[];
  startAppEachTest((started) => ({ gh, now, apps } = started), { config: MIRROR_SUB_ISSUES });

  it("never closes this repository's issue with its number", async () => {
    const parent = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    const bystander = gh.openIssue({ title: 'Unrelated bug', labels: [], user: 'someone' });
    // In another repository where Baton is installed too: an issue numbered as the bystander,
    // opened by Baton's bot, whose body carries this build's mirror marker for W1.1.
    gh.foreignSubIssues.set(parent, [
      {
        id: 9_000_001,
        number: bystander,
        title: 'W1.1: OAuth provider',
        body: `<!-- baton:mirror build=${BUILD} worker=W1.1 -->`,
        state: 'open',
        state_reason: null,
        user: { login: gh.botLogin },
        created_at: now(),
        repository_url: 'https://api.github.com/repos/elsewhere/other',
        html_url: `https://github.com/elsewhere/other/issues/${bystander}`,
      },
    ]);
    gh.events.labeled(parent, 'orchestrate', 'maintainer');
    const script = { build: BUILD, issue: parent, workers: WORKERS };
    await driveBuild({ gh, apps, script });
    gh.addComment({ issue: parent, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps, script });

    expect(gh.issues.get(bystander)?.state).toBe('open');
    expect(
      gh.log.filter(
        (entry) => entry.method === 'PATCH' && entry.path.endsWith(`/issues/${bystander}`),
      ),
    ).toEqual([]);
  });
});
