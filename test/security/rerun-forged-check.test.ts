import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimRun } from '../../sim/github/records.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { labelledIssue } from '../support/builds.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

/**
 * A failed check's `details_url` is whatever the app that made it wrote: a
 * forged one naming another Actions run (a deploy) must not make Baton re-run
 * it. Baton re-runs only runs the Actions API shows for the pull request's
 * head (docs/security.md, "Who steers a build").
 */
const script = makeScript({ workers: [{ id: 'W1.1' }] });

describe("a forged check's details_url", () => {
  let gh: FakeGitHub;
  let now: () => string;
  let apps: AppHarness[];
  startAppEachTest((started) => ({ gh, now, apps } = started), { config: 'approval: none\n' });

  it('never re-runs a run of another head (a failed deploy)', async () => {
    const mainSha = gh.git.resolve(gh.defaultBranch) ?? '';
    const deploy: SimRun = {
      id: 777_001,
      workflow: 'deploy.yml',
      displayTitle: 'Deploy production',
      event: 'push',
      headBranch: gh.defaultBranch,
      headSha: mainSha,
      status: 'completed',
      conclusion: 'failure',
      createdAt: now(),
      updatedAt: now(),
      runAttempt: 1,
      inputs: {},
    };
    gh.runs.push(deploy);
    const forged = new Set<string>();
    labelledIssue(gh);
    await driveBuild({
      gh,
      apps,
      script,
      afterRound: async () => {
        // Another app with checks:write reports a failure on the worker's head, linking the deploy.
        for (const pull of gh.pulls.values()) {
          const head = gh.git.resolve(pull.head);
          if (pull.state !== 'open' || !head || forged.has(head) || !pull.head.endsWith('W1.1'))
            continue;
          forged.add(head);
          gh.checkRuns.push({
            id: 880_000 + forged.size,
            headSha: head,
            name: 'security-scan',
            status: 'completed',
            conclusion: 'failure',
            detailsUrl: `${gh.htmlUrl}/actions/runs/${deploy.id}/job/1`,
            app: { id: 99, slug: 'scanner' },
          });
          gh.events.checkSuite(pull.head, head, 'failure');
          const suite = gh.outbox.at(-1)?.payload as { check_suite: { app: { slug: string } } };
          suite.check_suite.app.slug = 'scanner';
        }
      },
    });

    expect(forged.size).toBeGreaterThan(0);
    expect(
      gh.log.filter((entry) => entry.path.includes(`/actions/runs/${deploy.id}/rerun`)),
    ).toEqual([]);
    expect(deploy.runAttempt).toBe(1);
  });
});
