import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { installationToken } from '../../sim/github/tokens.js';
import { postGraphql } from './post-graphql.js';

/**
 * GraphQL `updateRefs` as its schema describes it: atomic, each update guarded
 * by `beforeOid`, all zeros as `afterOid` deleting; a mutation costing one
 * point; `contents: write` needed; refs outside refs/heads and refs/tags as
 * `updateRefsTouchesHiddenRefs` says (undocumented on GitHub).
 */
const ZERO = '0'.repeat(40);
const DELETE_REFS = /* GraphQL */ `
  mutation DeleteRefs($repositoryId: ID!, $refUpdates: [RefUpdate!]!) {
    updateRefs(input: { repositoryId: $repositoryId, refUpdates: $refUpdates }) { clientMutationId }
  }
`;

function setUp() {
  const gh = new FakeGitHub();
  const sha = gh.git.resolve(gh.defaultBranch) ?? '';
  gh.git.refs.set('refs/baton/1-x/build/status-comment', sha);
  gh.git.refs.set('refs/baton-exchanges/7/1', sha);
  return { gh, sha };
}

function deleteRefs(
  gh: FakeGitHub,
  refUpdates: { name: string; beforeOid?: string; afterOid: string }[],
  token = installationToken(gh.installationId),
) {
  return postGraphql(
    gh,
    DELETE_REFS,
    { repositoryId: gh.nodeId, refUpdates },
    { authorization: `token ${token}` },
  );
}

const errorsOf = (body: unknown) =>
  ((body as { errors?: { type: string; message: string }[] }).errors ?? []).map((e) => e.type);

describe('the simulated updateRefs', () => {
  it('deletes every ref whose beforeOid holds, for one point', () => {
    const { gh, sha } = setUp();
    const answer = deleteRefs(gh, [
      { name: 'refs/baton/1-x/build/status-comment', beforeOid: sha, afterOid: ZERO },
      { name: 'refs/baton-exchanges/7/1', beforeOid: sha, afterOid: ZERO },
    ]);
    expect(answer.body).toEqual({ data: { updateRefs: { clientMutationId: null } } });
    expect(gh.git.refs.has('refs/baton/1-x/build/status-comment')).toBe(false);
    expect(gh.git.refs.has('refs/baton-exchanges/7/1')).toBe(false);
    expect(answer.headers?.['x-ratelimit-used']).toBe('1');
    expect(gh.graphqlBudget.charges.map((charge) => charge.points)).toEqual([1]);
  });

  it('changes nothing when one beforeOid no longer holds (atomic)', () => {
    const { gh, sha } = setUp();
    const answer = deleteRefs(gh, [
      { name: 'refs/baton/1-x/build/status-comment', beforeOid: sha, afterOid: ZERO },
      { name: 'refs/baton-exchanges/7/1', beforeOid: 'f'.repeat(40), afterOid: ZERO },
    ]);
    expect(errorsOf(answer.body)).toEqual(['UNPROCESSABLE']);
    expect((answer.body as { data: unknown }).data).toEqual({ updateRefs: null });
    expect(gh.git.refs.has('refs/baton/1-x/build/status-comment')).toBe(true);
    expect(gh.git.refs.has('refs/baton-exchanges/7/1')).toBe(true);
  });

  it('refuses a ref that is gone already, and a token without contents: write', () => {
    const { gh, sha } = setUp();
    expect(
      errorsOf(
        deleteRefs(gh, [{ name: 'refs/baton/1-x/gone', beforeOid: sha, afterOid: ZERO }]).body,
      ),
    ).toEqual(['UNPROCESSABLE']);
    const minted = gh.mintToken({ contents: 'read' });
    if (!('token' in minted)) throw new Error('not minted');
    const refs = [{ name: 'refs/baton-exchanges/7/1', beforeOid: sha, afterOid: ZERO }];
    expect(errorsOf(deleteRefs(gh, refs, minted.token).body)).toEqual(['FORBIDDEN']);
    expect(gh.git.refs.has('refs/baton-exchanges/7/1')).toBe(true);
  });

  it('refuses hidden refs where GitHub would not touch them, and still moves branches', () => {
    const { gh, sha } = setUp();
    gh.updateRefsTouchesHiddenRefs = false;
    const hidden = [{ name: 'refs/baton-exchanges/7/1', beforeOid: sha, afterOid: ZERO }];
    expect(errorsOf(deleteRefs(gh, hidden).body)).toEqual(['UNPROCESSABLE']);
    expect(gh.git.refs.has('refs/baton-exchanges/7/1')).toBe(true);
    gh.git.refs.set('refs/heads/old', sha);
    expect(
      deleteRefs(gh, [{ name: 'refs/heads/old', beforeOid: sha, afterOid: ZERO }]).body,
    ).toEqual({
      data: { updateRefs: { clientMutationId: null } },
    });
    expect(gh.git.refs.has('refs/heads/old')).toBe(false);
  });
});
