import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { type AppHarness, startApp } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { tickingClock } from '../support/builds.js';
import { installationPayload } from '../support/onboarding.js';
import { knownRestRoutes } from '../support/rest-routes.js';

describe('Baton’s labels on installation', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started), {
    repo: (now) => new FakeGitHub({ now }),
  });

  it.each(['installation', 'installation_repositories'] as const)(
    'creates the build labels of each type and baton:needs-human on %s',
    async (event) => {
      await app.deliver(event, installationPayload(gh, event));

      expect(app.errors).toEqual([]);
      expect([...gh.labels.values()]).toEqual([
        {
          name: 'orchestrate',
          color: '5319e7',
          description: 'Baton plans this issue and builds it through pull requests',
        },
        {
          name: 'orchestrate:research',
          color: '5319e7',
          description: 'Baton researches this issue: findings with sources, then one report',
        },
        {
          name: 'orchestrate:content',
          color: '5319e7',
          description: 'Baton writes the documents this issue asks for, through pull requests',
        },
        {
          name: 'baton:needs-human',
          color: 'd93f0b',
          description: 'Baton stopped here: a person needs to look at this pull request',
        },
      ]);
    },
  );

  it('leaves a label that is there as a person made it, whatever its case', async () => {
    gh.labels.set('orchestrate', { name: 'Orchestrate', color: '000000', description: 'Ours' });
    await app.deliver('installation', installationPayload(gh, 'installation'));

    expect(app.errors).toEqual([]);
    expect(gh.labels.get('orchestrate')).toEqual({
      name: 'Orchestrate',
      color: '000000',
      description: 'Ours',
    });
    expect(gh.labels.has('baton:needs-human')).toBe(true);
  });

  it('creates each label once when the event is delivered twice, or to two processes', async () => {
    const other = await startApp({ gh, now: tickingClock() });
    try {
      const payload = installationPayload(gh, 'installation');
      await Promise.all([
        app.deliver('installation', payload),
        other.deliver('installation', payload),
      ]);
      await app.deliver('installation', payload);

      expect([...app.errors, ...other.errors]).toEqual([]);
      expect([...gh.labels.keys()]).toEqual([
        'orchestrate',
        'orchestrate:research',
        'orchestrate:content',
        'baton:needs-human',
      ]);
      const created = gh.log.filter((entry) => entry.route === 'POST /repos/{owner}/{repo}/labels');
      expect(created.filter((entry) => entry.status === 201)).toHaveLength(4);
    } finally {
      other.stop();
    }
  });

  it('creates the label the config names', async () => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'label: conduct\n' });
    await app.deliver('installation', installationPayload(gh, 'installation'));

    expect(gh.labels.has('conduct')).toBe(true);
    expect(gh.labels.has('orchestrate')).toBe(false);
  });

  it('creates the default label when the config is broken', async () => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'label: [conduct\n' });
    await app.deliver('installation', installationPayload(gh, 'installation'));

    expect(gh.labels.has('orchestrate')).toBe(true);
  });

  it('calls only REST routes that GitHub publishes', async () => {
    await app.deliver('installation', installationPayload(gh, 'installation'));
    expect(gh.callsOutside(await knownRestRoutes())).toEqual([]);
  });
});
