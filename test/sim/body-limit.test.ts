import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { asApp } from '../support/as-app.js';

const repo = '/repos/octo-org/widgets';

function request(gh: FakeGitHub, method: string, path: string, body: unknown) {
  return gh.handle({ method, path, query: new URLSearchParams(), body, headers: asApp(gh) });
}

describe('the simulator refuses bodies over 65,536 characters (a release’s over 125,000), as GitHub does', () => {
  const setup = () => {
    const gh = new FakeGitHub();
    const issue = gh.openIssue({ title: 'Add search' });
    gh.git.commitOn('feature', { 'a.txt': 'a\n' }, 'feature');
    const comment = gh.addComment({ issue, body: 'hello', user: 'octocat' });
    return { gh, issue, comment };
  };
  const long = 'x'.repeat(65_537);
  const exact = 'x'.repeat(65_536);

  it.each([
    ['POST', () => `${repo}/issues/1/comments`, 'IssueComment'],
    ['PATCH', (c: number) => `${repo}/issues/comments/${c}`, 'IssueComment'],
    ['POST', () => `${repo}/issues`, 'Issue'],
    ['POST', () => `${repo}/pulls`, 'Issue'],
  ] as const)('%s %s answers 422 with GitHub’s validation error', (method, path, resource) => {
    const { gh, comment } = setup();
    const body = { body: long, title: 't', head: 'feature', base: 'main' };
    const answer = request(gh, method, path(comment.id), body);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      message: 'Validation Failed',
      errors: [
        {
          resource,
          message: expect.stringMatching(/^[Bb]ody is too long \(maximum is 65536 characters\)$/),
        },
      ],
    });
    const fits = request(gh, method, path(comment.id), { ...body, body: exact });
    expect(fits.status).toBeLessThan(300);
  });

  it('refuses a pull request body edited over the cap and keeps the old body', () => {
    const { gh } = setup();
    const created = request(gh, 'POST', `${repo}/pulls`, {
      title: 't',
      head: 'feature',
      base: 'main',
      body: 'short',
    });
    const number = (created.body as { number: number }).number;
    const edit = request(gh, 'PATCH', `${repo}/pulls/${number}`, { body: long });
    expect(edit.status).toBe(422);
    expect(gh.pulls.get(number)?.body).toBe('short');
  });

  it('refuses a release body over 125,000 characters, as GitHub answers it', () => {
    const { gh } = setup();
    const release = (body: string) =>
      request(gh, 'POST', `${repo}/releases`, { tag_name: 'v1.0.0', name: 'v1.0.0', body });
    const answer = release('x'.repeat(125_001));
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'Release',
          code: 'custom',
          field: 'body',
          message: 'body is too long (maximum is 125000 characters)',
        },
      ],
    });
    expect(gh.releases).toHaveLength(0);
    expect(release(long).status).toBe(201);
  });

  it('counts characters, not UTF-16 units: 65,536 emoji fit', () => {
    const { gh } = setup();
    const answer = request(gh, 'POST', `${repo}/issues/1/comments`, { body: '🎉'.repeat(65_536) });
    expect(answer.status).toBe(201);
  });
});
