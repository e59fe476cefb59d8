import { createPublicKey } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { generateAppKey } from '../../sim/e2e.js';
import { FakeGitHub, joinInstallation } from '../../sim/github/fake-github.js';
import { type GitHubServer, startGitHubServer } from '../../sim/server/github-server.js';
import { parseSessionEnv } from '../../src/session/env.js';
import { mintViews } from '../../src/session/views/mint-views.js';

const KEY = generateAppKey();

let server: GitHubServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/**
 * An installation of more repositories than one page of GitHub's listing
 * holds (100): the set's repository first, a hundred others, then the
 * library it lists, on the listing's second page.
 */
function installationOfMany(): { service: FakeGitHub; all: FakeGitHub[] } {
  const make = (repo: string, repositoryId: number) => {
    const gh = new FakeGitHub({ owner: 'octo-org', repo, repositoryId });
    gh.appPublicKey = createPublicKey(KEY);
    return gh;
  };
  const service = make('service', 1);
  const others = Array.from({ length: 100 }, (_, i) => make(`app-${i}`, 2 + i));
  const lib = make('lib', 200);
  service.git.commitOn(
    'main',
    { '.github/baton.yml': 'changeSets:\n  repositories: [octo-org/lib]\n' },
    'Configure',
  );
  const all = [service, ...others, lib];
  joinInstallation(...all);
  return { service, all };
}

describe("a set's views with nothing hosted", () => {
  it('finds a listed repository on a later page of the installation’s repositories', async () => {
    const { service, all } = installationOfMany();
    server = await startGitHubServer({
      gh: service,
      repositories: all.slice(1),
      appWebhookUrl: null,
      webhookSecret: 'secret',
    });
    const parsed = parseSessionEnv({
      BATON_ROLE: 'plan',
      BATON_BUILD: '7-rename-fetch',
      BATON_OUT: '/nonexistent',
      BATON_APP_ID: '1',
      BATON_APP_PRIVATE_KEY: KEY,
      GITHUB_API_URL: server.apiUrl,
      GITHUB_REPOSITORY: 'octo-org/service',
      GITHUB_WORKSPACE: '/nonexistent',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_TRIGGERING_ACTOR: service.botLogin,
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));

    const given = await mintViews({ env: parsed.env, fetch: globalThis.fetch, mask: () => {} });

    expect(given).toMatchObject({ ok: true, views: [{ repository: 'octo-org/lib', ref: null }] });
    const listings = server.requests.filter((one) => one.path === '/installation/repositories');
    expect(listings.map((one) => one.status)).toEqual([200, 200]);
  });
});
