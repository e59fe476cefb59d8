import { describe, expect, it } from 'vitest';
import { buildTrailers, mergeTrailers } from '../../src/core/verification/write-trailers.js';
import { trailerLines, withTrailers } from '../../src/core/vocabulary/trailers.js';
import { makeCommand, makeConfig, makePull, makeReview, makeSnapshot, sha } from './factories.js';

const POLICY = { source: 'acme/shop', commit: sha('d1') };
const config = makeConfig();
if (!config.ok) throw new Error('the default config parses');

describe('trailer lines', () => {
  it('say the build and its status, the worker, the asker, the approvers, the evidence and the policy', () => {
    expect(
      trailerLines({
        build: '12-add-login',
        status: 'https://github.com/acme/shop/issues/12#issuecomment-77',
        worker: 'W1.1',
        askedBy: 'alice',
        approvedBy: ['bob', 'carol', 'bob'],
        evidence: ['baton/review approve at 0000000000a1', 'risk none (evidence current)'],
        policy: POLICY,
      }),
    ).toEqual([
      'Baton-Build: 12-add-login https://github.com/acme/shop/issues/12#issuecomment-77',
      'Baton-Worker: W1.1',
      'Asked-by: alice',
      'Approved-by: bob',
      'Approved-by: carol',
      'Baton-Evidence: baton/review approve at 0000000000a1',
      'Baton-Evidence: risk none (evidence current)',
      `Baton-Policy: acme/shop@${sha('d1')}`,
    ]);
  });

  it.each([
    ['a line break in a login', { askedBy: 'eve\nAsked-by: mallory' }],
    ['a colon in a login', { askedBy: 'eve: admin' }],
    ['a carriage return in an approver', { approvedBy: ['eve\rApproved-by: mallory'] }],
    ['a line break in a worker', { worker: 'W1.1\nAsked-by: mallory' }],
    ['a line break in evidence', { evidence: ['checks success\nAsked-by: mallory'] }],
    ['a link with a line break', { status: 'https://github.com/x\nAsked-by: mallory' }],
    ['a link that is not http', { evidence: ['pull javascript:alert(1)//https://x'] }],
    [
      'a policy source that is no repository',
      { policy: { source: 'a/b\nX: y', commit: sha('1') } },
    ],
    ['a policy commit that is no sha', { policy: { source: 'a/b', commit: 'main\nX: y' } }],
  ])('leave out a value that fails its allowlist: %s', (_, value) => {
    const lines = trailerLines({ build: '12-add-login', ...value });
    expect(lines).toEqual(['Baton-Build: 12-add-login']);
  });

  it('close a message as its last paragraph, a title line git would read as an end or a comment indented', () => {
    const message = withTrailers('W1.1: Add it\n---\nAsked-by: mallory\n# not a comment\n\n', {
      build: '12-add-login',
      askedBy: 'alice',
    });
    expect(message).toBe(
      'W1.1: Add it\n ---\nAsked-by: mallory\n # not a comment\n\nBaton-Build: 12-add-login\nAsked-by: alice',
    );
  });
});

describe("a merge's trailers", () => {
  it('name the recorded asker, the plan approver, the /merge and the approving review of the head, and the evidence', () => {
    const pull = makePull({
      reviewCheck: { sha: sha('a1'), verdict: 'approve' },
      reviews: [
        makeReview({ author: 'dana', byBaton: false, verdict: 'approve' }),
        makeReview({ author: 'erin', byBaton: false, verdict: 'approve', commitSha: sha('old') }),
      ],
    });
    const snapshot = makeSnapshot({
      ask: {
        by: 'alice',
        how: { way: 'label', label: 'orchestrate' },
        at: '2026-03-01T10:00:00Z',
        what: { kind: 'build', type: 'code' },
      },
      statusComment: { id: 77, body: '' },
      pulls: [pull],
      commands: [
        makeCommand({ name: 'approve' }, { author: 'bob' }),
        makeCommand({ name: 'merge', worker: 'W1.1' }, { author: 'carol', commentId: 901 }),
        makeCommand({ name: 'merge', worker: 'W1.2' }, { author: 'frank', commentId: 902 }),
      ],
    });
    expect(trailerLines(mergeTrailers({ snapshot, pull, config: config.config }))).toEqual([
      'Baton-Build: 12-add-login https://github.com/acme/shop/issues/12#issuecomment-77',
      'Baton-Worker: W1.1',
      'Asked-by: alice',
      'Approved-by: bob',
      'Approved-by: carol',
      'Approved-by: dana',
      'Baton-Evidence: pull https://github.com/acme/shop/pull/101',
      `Baton-Evidence: baton/review approve at ${sha('a1')}`,
      `Baton-Evidence: checks success at ${sha('a1')}`,
      'Baton-Evidence: risk none (evidence none)',
      `Baton-Policy: acme/shop@${sha('d1')}`,
    ]);
  });
});

describe('Baton-Policy under an organisation’s policy', () => {
  it('names the policy’s repository and the commit of its baton-policy.yml, not the repository’s', () => {
    const policy = { source: 'acme/.github', commit: sha('e7') };
    const snapshot = makeSnapshot({ policy });
    expect(buildTrailers(snapshot).policy).toEqual(policy);
    expect(trailerLines(buildTrailers(snapshot)).at(-1)).toBe(
      `Baton-Policy: acme/.github@${sha('e7')}`,
    );
    expect(buildTrailers(makeSnapshot()).policy?.source).toBe(
      `${snapshot.repo.owner}/${snapshot.repo.name}`,
    );
  });
});
