import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { findNotice } from '../../src/core/vocabulary/notice.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue } from '../support/builds.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

/**
 * A reconcile whose read GitHub refuses for good (the build query over the
 * node limit, as GitHub answers it) says so once on the issue, with GitHub's
 * reason, and fails as an error; a rate-limited read says nothing and is
 * simply tried again.
 */
const SCRIPT = makeScript({ workers: [{ id: 'W1.1' }] });
const NODE_LIMIT = {
  errors: [
    {
      type: 'MAX_NODE_LIMIT_EXCEEDED',
      message:
        'This query requests up to 527,871 possible nodes which exceeds the maximum limit of 500,000.',
    },
  ],
};

describe('a read GitHub refuses', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started));

  function refuseReads(times: number, body: object): void {
    for (let i = 0; i < times; i++)
      gh.faults.push({ route: 'POST /graphql', response: { status: 200, body } });
  }

  function notices(): string[] {
    return gh.comments.flatMap((comment) => {
      const notice = findNotice(comment.body);
      return notice?.build === BUILD && comment.user.login === gh.botLogin ? [notice.key] : [];
    });
  }

  it('is said once on the issue with GitHub’s reason, and fails the reconcile as an error', async () => {
    const issue = labelledIssue(gh);
    refuseReads(1, NODE_LIMIT);
    await driveBuild({ gh, apps: [app], script: SCRIPT });

    expect(notices()).toEqual(['read-refused/MAX_NODE_LIMIT_EXCEEDED']);
    const body = gh.comments.find((c) => findNotice(c.body))?.body ?? '';
    expect(body).toContain('Baton cannot read this build');
    expect(body).toContain('527,871 possible nodes');
    expect(app.errors).toHaveLength(1);
    expect(gh.runs).toEqual([]);

    // Refused again on the next event: nothing more is said.
    refuseReads(1, NODE_LIMIT);
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveBuild({ gh, apps: [app], script: SCRIPT });
    expect(notices()).toEqual(['read-refused/MAX_NODE_LIMIT_EXCEEDED']);
    expect(app.errors).toHaveLength(2);

    // Once GitHub answers, the build goes on.
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveBuild({ gh, apps: [app], script: SCRIPT });
    expect(gh.runs.map((run) => run.inputs.role)).toContain('plan');
  });

  it('says nothing when the read is only rate limited, which passes', async () => {
    labelledIssue(gh);
    refuseReads(1, {
      errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for installation ID 1.' }],
    });
    await driveBuild({ gh, apps: [app], script: SCRIPT });

    expect(notices()).toEqual([]);
    expect(app.errors).toHaveLength(1);
  });
});
