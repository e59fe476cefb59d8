/**
 * Who raised a cap, as GitHub records it (`baton audit`'s `resume`): the
 * commits of the default branch that raised `budget.maxUsd` or
 * `budget.dailyUsd` in `.github/baton.yml` within a window, read from the
 * simulated GitHub.
 */
import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { AppOctokit } from '../../src/cli/app-probot.js';
import { readBudgetRaises } from '../../src/cli/budget-raises.js';
import { mountEachTest } from '../support/app-tests.js';
import { repoContextOn } from '../support/mount-nock.js';

/** A commit of `.github/baton.yml` on the default branch by `login`, dated `at`. */
function commitConfig(
  gh: FakeGitHub,
  { login, at, yaml }: { login: string; at: string; yaml: string },
) {
  const sha = gh.git.commitOn(
    gh.defaultBranch,
    { '.github/baton.yml': yaml },
    `Settings by ${login}`,
  );
  const object = gh.git.objects.get(sha) as { committedAt?: string };
  object.committedAt = at;
  gh.commitAuthors.set(sha, login);
  return `https://github.com/${gh.fullName}/commit/${sha}`;
}

describe('who raised a cap', () => {
  let repo: FakeGitHub;
  mountEachTest((mounted) => {
    repo = mounted;
  });
  const gh = () => repo;

  it('names the authors of the commits that raised a cap within the window, and no other', async () => {
    commitConfig(gh(), {
      login: 'carol',
      at: '2026-03-01T08:00:00Z',
      yaml: 'budget:\n  maxUsd: 5\n',
    });
    const bob = commitConfig(gh(), {
      login: 'bob',
      at: '2026-03-01T10:00:00Z',
      yaml: 'budget:\n  maxUsd: 20\n',
    });
    // Lowered, then a daily cap set: neither raises one.
    commitConfig(gh(), {
      login: 'dave',
      at: '2026-03-01T10:10:00Z',
      yaml: 'budget:\n  maxUsd: 15\n  dailyUsd: 30\n',
    });
    const erin = commitConfig(gh(), {
      login: 'erin',
      at: '2026-03-01T10:20:00Z',
      yaml: 'budget:\n  maxUsd: 15\n  dailyUsd: 0\n',
    });
    // After the window.
    commitConfig(gh(), {
      login: 'frank',
      at: '2026-03-01T12:00:00Z',
      yaml: 'budget:\n  maxUsd: 99\n',
    });
    const octokit = repoContextOn(gh()).octokit as unknown as AppOctokit;
    const raises = await readBudgetRaises(octokit, {
      owner: gh().owner,
      repo: gh().repo,
      since: '2026-03-01T09:00:00Z',
      until: '2026-03-01T11:00:00Z',
    });
    expect(raises).toEqual([
      { field: 'maxUsd', by: 'bob', at: '2026-03-01T10:00:00Z', url: bob },
      { field: 'dailyUsd', by: 'erin', at: '2026-03-01T10:20:00Z', url: erin },
    ]);
  });
});
