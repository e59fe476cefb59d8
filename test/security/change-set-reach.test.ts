import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { completionPath, integrationBranch } from '../../src/core/vocabulary/ids.js';
import { type AppHarness, startApp } from '../support/app-harness.js';
import { statusBody, tickingClock } from '../support/builds.js';
import {
  CLIENT,
  driveSetIssue,
  OTHER,
  SERVICE,
  SET_BUILD,
  SET_MEMBER,
  SET_WORKERS,
  type SetRepos,
  type SetWorkerSpec,
  setRepos,
  setScripts,
  writesIn,
} from '../support/change-sets.js';

/**
 * What a change set may reach (docs/security.md, "Change sets"): only the
 * repositories the issue's repository lists, installed in its installation,
 * and a private repository's text only where it said it may go.
 */
async function runSet({
  workers = SET_WORKERS,
  prepare,
  report,
}: {
  workers?: SetWorkerSpec[];
  prepare?: (repos: SetRepos) => void;
  /** What each worker's report says (its summary). */
  report?: (worker: string) => string;
}): Promise<{ repos: SetRepos; app: AppHarness; issue: number }> {
  const now = tickingClock();
  const repos = setRepos(now, { other: true });
  prepare?.(repos);
  const app = await startApp({ gh: repos.service, now });
  const scripts = setScripts(
    repos,
    report ? { report: (worker) => ({ summary: report(worker) }) } : {},
    workers,
  );
  const issue = await driveSetIssue({ repos, app, scripts });
  return { repos, app, issue };
}

/** Whether Baton made anything of the set in a repository: a branch, a run, a write. */
function touched(gh: FakeGitHub): { branch: boolean; runs: number; writes: string[] } {
  return {
    branch: gh.git.resolve(integrationBranch(SET_MEMBER)) !== null,
    runs: gh.runs.length,
    writes: writesIn(gh),
  };
}

/** acme/lib made private, its settings sharing its text with the issue's repository (the service) alone. */
function libPrivateSharedWithService(made: SetRepos): void {
  made.lib.visibility = 'private';
  made.lib.git.commitOn(
    made.lib.defaultBranch,
    { '.github/baton.yml': `changeSets:\n  shareWith: [${SERVICE}]\n` },
    'Share with the service',
  );
}

const untouched = { branch: false, runs: 0, writes: [] };

/** The set was refused for `problem` before Baton made anything of it in `outside` or the library. */
function expectRefused(
  repos: SetRepos,
  { outside, problem }: { outside: FakeGitHub; problem: string },
) {
  expect(touched(outside)).toEqual(untouched);
  expect(touched(repos.lib)).toEqual(untouched);
  expect(statusBody(repos.service, SET_BUILD)).toContain(problem);
}

describe('a change set reaches only the repositories it may', () => {
  it('refuses a plan that names a repository the issue’s repository does not list, and writes nothing there', async () => {
    const { repos, app } = await runSet({
      workers: SET_WORKERS.map((w) => (w.repository === CLIENT ? { ...w, repository: OTHER } : w)),
    });
    try {
      const other = repos.all.find((gh) => gh.fullName === OTHER);
      if (!other) throw new Error('no fourth repository');
      expectRefused(repos, {
        outside: other,
        problem:
          'W3.1 names acme/other, which `changeSets.repositories` in .github/baton.yml does not list',
      });
    } finally {
      app.stop();
    }
  });

  it('refuses a plan that names a listed repository the app is not installed on, and starts nothing', async () => {
    const { repos, app } = await runSet({
      prepare: (made) => {
        made.client.installed = false;
      },
    });
    try {
      expectRefused(repos, {
        outside: repos.client,
        problem: "acme/client is not in this app's installation",
      });
    } finally {
      app.stop();
    }
  });

  it('refuses a plan that read a private repository, gave it no worker and would carry its text where it does not share', async () => {
    const { repos, app } = await runSet({
      // No worker in the library: the plan read it to plan the service and the client.
      workers: [
        { id: 'W2.1', title: 'Call get', repository: SERVICE },
        { id: 'W3.1', title: 'Follow the service', depends_on: ['W2.1'], repository: CLIENT },
      ],
      // acme/lib lets the service read it, not the public client.
      prepare: libPrivateSharedWithService,
    });
    try {
      // The plan session was given its views: the library among them, by the endpoint's rule.
      expect(repos.service.runs.some((run) => run.inputs.views === '1')).toBe(true);
      expectRefused(repos, {
        outside: repos.client,
        problem:
          'The plan session read acme/lib, which is private: its .github/baton.yml shares its text with acme/service, not with acme/client',
      });
    } finally {
      app.stop();
    }
  });

  it('keeps a private repository’s report out of every repository it does not share with', async () => {
    const secret = 'the-private-lib-signing-scheme';
    const { repos, app } = await runSet({
      // The client builds on the library's worker directly: its report would go there.
      workers: SET_WORKERS.map((w) =>
        w.id === 'W3.1' ? { ...w, depends_on: ['W1.1', 'W2.1'] } : w,
      ),
      report: (worker) => (worker === 'W1.1' ? `W1.1 is done: ${secret}.` : `${worker} is done.`),
      // acme/lib shares with the issue's repository alone, not with acme/client.
      prepare: libPrivateSharedWithService,
    });
    try {
      for (const gh of [repos.service, repos.client]) {
        const delivered = gh.git.resolve(integrationBranch(SET_MEMBER));
        const report = delivered
          ? gh.git.entryAt(delivered, completionPath(SET_MEMBER, 'W1.1'))
          : null;
        expect(report).toBeNull();
      }
      expect(touched(repos.lib)).toEqual(untouched);
      expect(statusBody(repos.service, SET_BUILD)).toContain(
        'acme/lib is private, and its .github/baton.yml does not share its text with acme/client',
      );
      for (const gh of [repos.service, repos.client])
        expect(JSON.stringify([gh.log, gh.comments, [...gh.pulls.values()]])).not.toContain(secret);
    } finally {
      app.stop();
    }
  });
});
