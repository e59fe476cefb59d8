import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { RepoContext } from '../../src/github/client/types.js';
import { buildGraphVariables } from '../../src/github/observe/observe-build.js';
import { readBuildGraph } from '../../src/github/observe/read-build-graph.js';
import { mountReaderEachTest } from '../support/app-tests.js';

/**
 * The build query's lists read whole against a simulator that, like GitHub,
 * gives at most `first`/`last` nodes a page: an open worker PR's head with
 * more than a hundred check runs and statuses.
 */
const BUILD = '1-add-oauth-login';

describe('readBuildGraph', () => {
  let gh: FakeGitHub;
  let ctx: RepoContext;
  mountReaderEachTest((mounted) => ({ gh, ctx } = mounted));

  const variables = () =>
    buildGraphVariables(gh, { build: BUILD, issue: 1, defaultBranch: gh.defaultBranch });

  it('reads every check run and status of an open PR’s head past the first hundred', async () => {
    gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.git.commitOn(integrationBranch(BUILD), { 'a.txt': 'a' }, 'build');
    const head = gh.git.commitOn(`baton/${BUILD}/W1.1`, { 'w.txt': 'w' }, 'work');
    gh.openPull({
      title: 'W1.1',
      body: '',
      head: `baton/${BUILD}/W1.1`,
      base: integrationBranch(BUILD),
      user: gh.botLogin,
    });
    for (let i = 1; i <= 120; i++) gh.addCheck({ sha: head, name: `lint-${i}` });
    // The one red status comes last: on the rollup's second page.
    gh.addStatus({ sha: head, context: 'ci/jenkins', state: 'failure' });

    const { repository } = await readBuildGraph(ctx, variables());

    const contexts =
      repository.pullRequests.nodes[0]?.commits.nodes[0]?.commit.statusCheckRollup?.contexts;
    expect(contexts?.nodes).toHaveLength(121);
    expect(contexts?.nodes.at(-1)).toMatchObject({ context: 'ci/jenkins', state: 'FAILURE' });
    expect(gh.log.filter((entry) => entry.route === 'POST /graphql')).toHaveLength(2);
  });

  it('reads the worker PRs past the first twenty with the document’s BatonBuildPulls operation', async () => {
    gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.git.commitOn(integrationBranch(BUILD), { 'a.txt': 'a' }, 'build');
    for (let i = 1; i <= 25; i++) {
      gh.git.commitOn(`baton/${BUILD}/W${i}.1`, { [`w${i}.txt`]: 'w' }, 'work');
      gh.openPull({
        title: `W${i}.1`,
        body: '',
        head: `baton/${BUILD}/W${i}.1`,
        base: integrationBranch(BUILD),
        user: gh.botLogin,
      });
    }

    const { repository } = await readBuildGraph(ctx, variables());

    expect(repository.pullRequests.nodes.map((pull) => pull.headRefName)).toEqual(
      Array.from({ length: 25 }, (_, i) => `baton/${BUILD}/W${i + 1}.1`),
    );
    const operations = gh.log
      .filter((entry) => entry.route === 'POST /graphql')
      .map((entry) => (entry.body as { operationName?: string }).operationName);
    expect(operations).toEqual(['BatonBuild', 'BatonBuildPulls']);
  });
});
