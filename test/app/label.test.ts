import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { type AppHarness, labeledPayload, startApp } from '../support/app-harness.js';
import { knownRestRoutes } from '../support/rest-routes.js';

const NOW = '2026-11-22T10:00:00.000Z';

function installedRepo(): FakeGitHub {
  const gh = new FakeGitHub({ now: () => NOW });
  gh.git.commitOn(
    gh.defaultBranch,
    { '.github/workflows/baton.yml': 'name: Baton\n' },
    'Set up Baton',
  );
  gh.workflows.add('baton.yml');
  gh.permissions.set('maintainer', 'write');
  gh.permissions.set('reader', 'read');
  return gh;
}

describe('an issue labelled orchestrate', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  beforeEach(async () => {
    gh = installedRepo();
    app = await startApp({ gh, now: () => NOW });
  });
  afterEach(() => app.stop());

  it('creates the build branch, dispatches the plan session and posts one planning comment', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    await app.deliver(
      'issues',
      labeledPayload(gh, { issue, label: 'orchestrate', sender: 'maintainer' }),
    );

    expect(app.errors).toEqual([]);
    expect(gh.git.refs.has('refs/heads/baton/1-add-oauth-login/integration')).toBe(true);
    expect(gh.runs.map((run) => run.inputs)).toEqual([
      { role: 'plan', build: '1-add-oauth-login', issue: '1', worker: '', pr: '', trigger: '' },
    ]);
    expect(gh.runs[0]?.headBranch).toBe('baton/1-add-oauth-login/integration');
    const comments = gh.comments.filter((c) => c.issue === issue);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('<!-- baton:status build=1-add-oauth-login -->');
    expect(comments[0]?.body).toContain(`actions/runs/${gh.runs[0]?.id}`);
  });

  it('calls only REST routes that GitHub publishes', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    await app.deliver(
      'issues',
      labeledPayload(gh, { issue, label: 'orchestrate', sender: 'maintainer' }),
    );
    expect(gh.callsOutside(await knownRestRoutes())).toEqual([]);
    expect(gh.log.filter((entry) => entry.status === 501)).toEqual([]);
  });
});
