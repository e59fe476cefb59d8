import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { asApp } from '../support/as-app.js';
import { postGraphql } from './post-graphql.js';

/**
 * A branch deleted on the simulator closes the open pull requests it leaves
 * without a head or a base, as GitHub does for a deletion through the API or
 * a push (its web "delete branch" after a merge retargets instead, which
 * nothing here plays), with the `push` (`deleted: true`) and `closed` webhooks.
 */
function setUp() {
  const gh = new FakeGitHub();
  const main = gh.git.resolve(gh.defaultBranch) ?? '';
  for (const branch of ['feature', 'stacked', 'other']) gh.setBranch(branch, main);
  const onFeature = gh.openPull({ head: 'feature', base: 'main', title: 'A', body: '', user: 'x' });
  const onTop = gh.openPull({ head: 'stacked', base: 'feature', title: 'B', body: '', user: 'x' });
  const apart = gh.openPull({ head: 'other', base: 'main', title: 'C', body: '', user: 'x' });
  gh.outbox.length = 0;
  return { gh, onFeature, onTop, apart };
}

const closedNumbers = (gh: FakeGitHub) =>
  gh.outbox
    .filter((one) => one.name === 'pull_request' && one.payload.action === 'closed')
    .map((one) => one.payload.number);

describe('a branch deleted on the simulator', () => {
  it('closes the pull requests whose head or base it was, through REST', () => {
    const { gh, onFeature, onTop, apart } = setUp();
    const answer = gh.handle({
      method: 'DELETE',
      path: `/repos/${gh.fullName}/git/refs/heads/feature`,
      query: new URLSearchParams(),
      body: undefined,
      headers: asApp(gh),
    });
    expect(answer.status).toBe(204);
    expect([onFeature.state, onTop.state, apart.state]).toEqual(['closed', 'closed', 'open']);
    expect(closedNumbers(gh)).toEqual([onFeature.number, onTop.number]);
    const push = gh.outbox.find((one) => one.name === 'push');
    expect(push?.payload).toMatchObject({ ref: 'refs/heads/feature', deleted: true });
  });

  it('closes them through GraphQL updateRefs too', () => {
    const { gh, onFeature, apart } = setUp();
    const sha = gh.git.resolve('feature') ?? '';
    postGraphql(
      gh,
      `mutation D($repositoryId: ID!, $refUpdates: [RefUpdate!]!) {
        updateRefs(input: { repositoryId: $repositoryId, refUpdates: $refUpdates }) { clientMutationId }
      }`,
      {
        repositoryId: gh.nodeId,
        refUpdates: [{ name: 'refs/heads/feature', beforeOid: sha, afterOid: '0'.repeat(40) }],
      },
      asApp(gh),
    );
    expect(gh.git.refs.has('refs/heads/feature')).toBe(false);
    expect([onFeature.state, apart.state]).toEqual(['closed', 'open']);
  });

  it('leaves a fork’s pull request open when a branch of the same name is deleted here', () => {
    const gh = new FakeGitHub();
    const main = gh.git.resolve(gh.defaultBranch) ?? '';
    gh.setBranch('patch', main);
    const fromFork = gh.openPull({
      head: 'patch',
      base: 'main',
      title: 'F',
      body: '',
      user: 'stranger',
      fork: { fullName: 'stranger/widgets', sha: main },
    });
    expect(gh.deleteBranch('patch')).toBe(true);
    expect(fromFork.state).toBe('open');
  });
});
