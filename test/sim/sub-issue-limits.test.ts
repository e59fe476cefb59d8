import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { asApp } from '../support/as-app.js';
import { tickingClock } from '../support/builds.js';

describe("the simulator holds sub-issues and links to GitHub's documented limits", () => {
  const post = (gh: FakeGitHub, path: string, body: object) =>
    gh.handle({
      method: 'POST',
      path: `/repos/${gh.fullName}/issues/${path}`,
      query: new URLSearchParams(),
      body,
      headers: asApp(gh),
    });

  it('refuses a parent its 101st sub-issue, closed ones counted, with 422', () => {
    const gh = new FakeGitHub({ now: tickingClock() });
    const parent = gh.openIssue({ title: 'Epic' });
    for (let i = 0; i < 100; i++) {
      const child = gh.openIssue({ title: `Child ${i}` });
      if (i === 0) gh.setIssueState(child, 'closed', { by: 'maintainer' });
      expect(post(gh, `${parent}/sub_issues`, { sub_issue_id: child }).status).toBe(201);
    }
    const extra = gh.openIssue({ title: 'One more' });
    expect(post(gh, `${parent}/sub_issues`, { sub_issue_id: extra }).status).toBe(422);
  });

  it('refuses an issue a 51st "blocked by" link with 422, a link it has already answered as before', () => {
    const gh = new FakeGitHub({ now: tickingClock() });
    const blocked = gh.openIssue({ title: 'Blocked' });
    const blockers = Array.from({ length: 51 }, (_, i) => gh.openIssue({ title: `Blocker ${i}` }));
    for (const blocker of blockers.slice(0, 50))
      expect(post(gh, `${blocked}/dependencies/blocked_by`, { issue_id: blocker }).status).toBe(
        201,
      );
    expect(post(gh, `${blocked}/dependencies/blocked_by`, { issue_id: blockers[50] }).status).toBe(
      422,
    );
    expect(post(gh, `${blocked}/dependencies/blocked_by`, { issue_id: blockers[0] }).status).toBe(
      201,
    );
  });
});
