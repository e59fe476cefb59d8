import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { GITHUB_ACTIONS_APP, type SimApp } from '../../sim/github/records.js';
import { personToken } from '../../sim/github/tokens.js';

/**
 * A required status check of the default branch, as GitHub judges it
 * (sim/github/github-state.ts `requiredCheckSources`): pinned to an app
 * (`integration_id`), only that app's check run counts; not pinned, a check
 * run of the name from any app or a commit status anyone with write access
 * sets does, and where both a check and a status of the name are there, both
 * must pass.
 */
const NAME = 'baton/change-set';

function pullWith(setup: (gh: FakeGitHub, head: string) => void, pinned: boolean) {
  const gh = new FakeGitHub();
  gh.permissions.set('a-person', 'write');
  gh.defaultBranchRequiredChecks.add(NAME);
  if (pinned) gh.requiredCheckSources.set(NAME, gh.appId);
  gh.git.refs.set('refs/heads/feature', gh.git.resolve('main') ?? '');
  const head = gh.git.commitOn('feature', { 'a.txt': 'a\n' }, 'feature');
  const pull = gh.openPull({
    head: 'feature',
    base: 'main',
    title: 'Feature',
    body: '',
    user: 'octocat',
  });
  setup(gh, head);
  const merge = gh.handle({
    method: 'PUT',
    path: `/repos/${gh.fullName}/pulls/${pull.number}/merge`,
    query: new URLSearchParams(),
    body: {},
    headers: { authorization: `token ${personToken('a-person')}` },
  });
  const rules = gh.handle({
    method: 'GET',
    path: `/repos/${gh.fullName}/rules/branches/main`,
    query: new URLSearchParams(),
    body: undefined,
    headers: {},
  });
  return { status: merge.status, rules: rules.body };
}

function run(gh: FakeGitHub, head: string, app: SimApp, conclusion: string | null) {
  gh.checkRuns.push({
    id: gh.nextId(),
    headSha: head,
    name: NAME,
    status: conclusion ? 'completed' : 'in_progress',
    conclusion,
    detailsUrl: '',
    app,
  });
}

describe('a required status check, pinned to an app or not', () => {
  type Setup = (gh: FakeGitHub, head: string) => void;
  it.each<[string, number, number, Setup]>([
    [
      'another app’s successful run',
      405,
      200,
      (gh, h) => run(gh, h, GITHUB_ACTIONS_APP, 'success'),
    ],
    [
      'a writer’s successful status',
      405,
      200,
      (gh, h) => gh.addStatus({ sha: h, context: NAME, state: 'success' }),
    ],
    ['the app’s successful run', 200, 200, (gh, h) => run(gh, h, gh.app, 'success')],
    [
      'the app’s run in progress beside another app’s success',
      405,
      405,
      (gh, h) => {
        run(gh, h, gh.app, null);
        run(gh, h, GITHUB_ACTIONS_APP, 'success');
      },
    ],
    [
      'the app’s success beside a failed status of the name',
      200,
      405,
      (gh, h) => {
        run(gh, h, gh.app, 'success');
        gh.addStatus({ sha: h, context: NAME, state: 'failure' });
      },
    ],
  ])('with %s: merging answers %i pinned, %i not', (_name, pinned, loose, setup) => {
    expect(pullWith(setup, true).status).toBe(pinned);
    expect(pullWith(setup, false).status).toBe(loose);
  });

  it('lists the app a ruleset requires the check from, as `integration_id`', () => {
    const rule = (pinned: boolean) =>
      (pullWith(() => {}, pinned).rules as { parameters: { required_status_checks: unknown } }[])[0]
        ?.parameters.required_status_checks;
    expect(rule(true)).toEqual([{ context: NAME, integration_id: 1 }]);
    expect(rule(false)).toEqual([{ context: NAME }]);
  });
});
