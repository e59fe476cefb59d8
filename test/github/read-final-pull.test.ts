import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { RepoContext } from '../../src/github/client/types.js';
import { observeBuild } from '../../src/github/observe/observe-build.js';
import { mountReaderEachTest } from '../support/app-tests.js';
import { installedRepo, landPlan, tickingClock } from '../support/builds.js';

/**
 * The final pull request is read with whether GitHub would merge it now
 * (`PullRequest.mergeStateStatus`:
 * https://docs.github.com/en/graphql/reference/enums#mergestatestatus), so the
 * page and `baton status` never offer a merge GitHub refuses.
 */
const BUILD = '1-add-oauth-login';

describe('observe: the final pull request', () => {
  let gh: FakeGitHub;
  let ctx: RepoContext;
  mountReaderEachTest((mounted) => ({ gh, ctx } = mounted), {
    repo: () => installedRepo(tickingClock()),
  });

  async function finalPull() {
    const { snapshot } = await observeBuild(ctx, {
      build: BUILD,
      issue: 1,
      defaultBranch: gh.defaultBranch,
    });
    return snapshot.finalPull;
  }

  function deliver(files: Record<string, string>) {
    gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    landPlan(gh, { build: BUILD, issue: 1, workers: [{ id: 'W1.1' }] });
    gh.git.commitOn(integrationBranch(BUILD), files, 'the work');
    return gh.openPull({
      title: 'Add OAuth login',
      body: 'Closes #1',
      head: integrationBranch(BUILD),
      base: gh.defaultBranch,
      user: gh.botLogin,
    });
  }

  it('reads one GitHub would merge as clean, and one its rules hold until it is up to date as behind', async () => {
    const pull = deliver({ 'login.ts': 'export const login = 1;\n' });
    gh.requireUpToDate = true;
    expect((await finalPull())?.mergeState).toBe('behind');
    gh.requireUpToDate = false;
    expect(await finalPull()).toMatchObject({
      number: pull.number,
      state: 'open',
      mergeState: 'clean',
    });
  });

  it('reads one that conflicts with the default branch as dirty', async () => {
    deliver({ 'README.md': 'the build says this\n' });
    gh.git.commitOn(gh.defaultBranch, { 'README.md': 'a person says that\n' }, 'a person');
    expect((await finalPull())?.mergeState).toBe('dirty');
  });
});
