import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { asApp } from '../support/as-app.js';

/**
 * The simulator's "Create a review for a pull request": the state GitHub gives
 * a review for the event it is submitted with, a comment for any other.
 */
describe('a review submitted on the simulator', () => {
  it.each([
    ['APPROVE', 'APPROVED'],
    ['REQUEST_CHANGES', 'CHANGES_REQUESTED'],
    ['COMMENT', 'COMMENTED'],
    [undefined, 'COMMENTED'],
    ['constructor', 'COMMENTED'],
  ])('%s reads as %s', (event, state) => {
    const gh = new FakeGitHub();
    gh.git.refs.set('refs/heads/feature', gh.git.resolve('main') ?? '');
    const pull = gh.openPull({ head: 'feature', base: 'main', title: 'W1.1', body: '', user: 'x' });
    const answer = gh.handle({
      method: 'POST',
      path: `/repos/${gh.fullName}/pulls/${pull.number}/reviews`,
      query: new URLSearchParams(),
      body: { body: 'Read it.', event },
      headers: asApp(gh),
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ state, body: 'Read it.' });
    expect(gh.reviews.map((review) => review.state)).toEqual([state]);
  });
});
