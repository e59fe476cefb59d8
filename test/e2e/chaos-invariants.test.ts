// Fast: the chaos invariants (sim/chaos/invariants.ts) against an in-memory
// simulated GitHub, each case breaking one of them.
import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../sim/chaos/invariants.js';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch, planPath } from '../../src/core/vocabulary/ids.js';
import { installedRepo, tickingClock } from '../support/builds.js';

const BUILD = '1-add-oauth-login';
const STATUS = '<!-- baton:status build=1-add-oauth-login -->';

function playedRepo(): FakeGitHub {
  const gh = installedRepo(tickingClock());
  const base = gh.git.resolve(gh.defaultBranch) ?? '';
  gh.setBranch(integrationBranch(BUILD), base);
  gh.git.commitOn(integrationBranch(BUILD), {
    [planPath(BUILD)]: JSON.stringify({ workers: [] }),
  });
  return gh;
}

function logStatusComment(gh: FakeGitHub): void {
  gh.log.push({
    route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    status: 201,
    method: 'POST',
    path: `/repos/${gh.fullName}/issues/1/comments`,
    body: { body: STATUS },
  });
}

function openFinal(gh: FakeGitHub, body: string): void {
  gh.openPull({
    title: 'final',
    body,
    head: integrationBranch(BUILD),
    base: gh.defaultBranch,
    user: gh.botLogin,
  });
}

const check = (gh: FakeGitHub, personComments = ['/approve']) =>
  checkInvariants({ gh, issue: 1, build: BUILD, completed: true, personComments });

describe('the chaos invariants', () => {
  it('hold for one status comment and one final PR that closes the issue', () => {
    const gh = playedRepo();
    logStatusComment(gh);
    openFinal(gh, 'Closes #1');
    expect(check(gh)).toEqual(['a plan on the build branch']);
  });

  it.each([
    {
      rule: 'one status comment',
      play: (gh: FakeGitHub) => {
        logStatusComment(gh);
        logStatusComment(gh);
        openFinal(gh, 'Closes #1');
      },
      people: ['/approve'],
      broken: 'one status comment (created 2)',
    },
    {
      rule: 'one final PR with Closes',
      play: (gh: FakeGitHub) => {
        logStatusComment(gh);
        openFinal(gh, 'The build.');
      },
      people: ['/approve'],
      broken: 'one final PR with Closes #1 (1)',
    },
    {
      rule: 'no person but the /approve',
      play: (gh: FakeGitHub) => {
        logStatusComment(gh);
        openFinal(gh, 'Closes #1');
      },
      people: ['/approve', '/retry W1.1'],
      broken: 'the build completes without a person (/retry W1.1)',
    },
  ])('catch a build that breaks "$rule"', ({ play, people, broken }) => {
    const gh = playedRepo();
    play(gh);
    expect(check(gh, people)).toContain(broken);
  });
});
