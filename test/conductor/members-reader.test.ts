import { createPublicKey } from 'node:crypto';
import { Probot } from 'probot';
import { describe, expect, it } from 'vitest';
import { generateAppKey } from '../../sim/e2e.js';
import { type FakeGitHub, joinInstallation } from '../../sim/github/fake-github.js';
import {
  createMembersReader,
  MEMBER_READ_PERMISSIONS,
  setRepositoriesOf,
} from '../../src/conductor/members-reader.js';
import { memberVariables } from '../../src/github/change-set/read-members.js';
import { SET_QUERY } from '../../src/github/change-set/set-query.js';
import { createAppClient } from '../../src/session/app-client.js';
import { testOctokit } from '../support/app-harness.js';
import { mountEachTest } from '../support/app-tests.js';
import { installedRepo, tickingClock } from '../support/builds.js';

const KEY = generateAppKey();

/**
 * A change set's home (widgets, public), which lists lib (private); and vault,
 * private, of the same installation, which it does not list.
 */
function installation(): FakeGitHub {
  const now = tickingClock();
  const gh = installedRepo(now);
  gh.appPublicKey = createPublicKey(KEY);
  gh.git.commitOn(
    gh.defaultBranch,
    { '.github/baton.yml': 'changeSets:\n  repositories: [octo-org/lib]\n' },
    'Configure change sets',
  );
  lib = installedRepo(now, { repo: 'lib', repositoryId: 2 });
  vault = installedRepo(now, { repo: 'vault', repositoryId: 3 });
  lib.visibility = 'private';
  vault.visibility = 'private';
  joinInstallation(gh, lib, vault);
  return gh;
}

let gh: FakeGitHub;
let lib: FakeGitHub;
let vault: FakeGitHub;
mountEachTest((mounted) => {
  gh = mounted;
}, installation);

/** The conductor's members reader for the home's job, minting with the app's key as the conduct job does. */
async function reader() {
  const app = await createAppClient({
    apiUrl: 'https://api.github.com',
    appId: '1',
    privateKey: KEY,
    fetch: globalThis.fetch,
    mask: () => {},
    userAgent: 'baton-conductor',
  });
  const client = (token: string) =>
    new Probot({ githubToken: token, Octokit: testOctokit() }).auth();
  const own = await app.mintToken({
    installationId: gh.installationId,
    repositoryId: gh.repositoryId,
    repository: gh.fullName,
  });
  return createMembersReader({
    mint: async ({ repositories, permissions }) =>
      (
        await app.mintToken({
          installationId: gh.installationId,
          repositoryId: null,
          repository: gh.fullName,
          repositories,
          permissions,
        })
      ).token,
    client,
    listedBy: async (home) => setRepositoriesOf(await client(own.token), home),
  });
}

/** The mints asked of GitHub since the test began, by their bodies. */
const mints = () =>
  gh.log.filter((entry) => entry.route.endsWith('/access_tokens')).map((entry) => entry.body);

describe("the conductor's reader of a change set's members", () => {
  it('reads a private member with a read-only token minted for the members alone', async () => {
    const read = await reader();

    const octokit = await read({ home: gh.fullName, repositories: [gh.fullName, lib.fullName] });

    expect(mints().at(-1)).toEqual({
      repositories: ['lib', 'widgets'],
      permissions: MEMBER_READ_PERMISSIONS,
    });
    const answer = await octokit
      .graphql<{ nodes: ({ nameWithOwner: string } | null)[] }>(SET_QUERY, {
        operationName: 'BatonMembers',
        ids: [lib.nodeId, vault.nodeId],
        ...memberVariables(`1-x.${gh.owner}.${gh.repo}`),
      })
      .catch((error: { data?: { nodes: ({ nameWithOwner: string } | null)[] } }) => error.data);
    // The vault, private and no member, stays out of its sight.
    expect(answer?.nodes.map((node) => node?.nameWithOwner ?? null)).toEqual([lib.fullName, null]);
  });

  it('refuses, minting nothing, a repository the home does not list, however it is asked', async () => {
    const read = await reader();
    const before = mints().length;

    await expect(
      read({ home: gh.fullName, repositories: [lib.fullName, vault.fullName] }),
    ).rejects.toThrow(
      `no token is minted to read ${vault.fullName} for the change set of ${gh.fullName}`,
    );
    // A repository of another account with a member's name would be minted for this account's.
    await expect(read({ home: gh.fullName, repositories: ['elsewhere/lib'] })).rejects.toThrow(
      'no token is minted to read elsewhere/lib',
    );
    // The home it names is read from GitHub: lib lists no set, so it has no members but itself.
    await expect(read({ home: lib.fullName, repositories: [vault.fullName] })).rejects.toThrow(
      `no token is minted to read ${vault.fullName} for the change set of ${lib.fullName}`,
    );
    expect(mints()).toHaveLength(before);
  });
});
