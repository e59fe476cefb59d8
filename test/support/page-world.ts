import { FakeGitHub } from '../../sim/github/fake-github.js';
import { SIM_APP_CLIENT_ID } from '../../sim/github/github-state.js';
import { type SimPerson, SimUserAuth } from '../../sim/github/oauth/user-auth.js';
import { type GitHubServer, startGitHubServer } from '../../sim/server/github-server.js';

/** The app's client id and secret, as the manifest flow gives them (`GITHUB_CLIENT_ID`, `GITHUB_CLIENT_SECRET`). */
export const CLIENT_ID = SIM_APP_CLIENT_ID;
export const CLIENT_SECRET = 'sim-client-secret-0123456789abcdef';

/**
 * Who signs in: `alice` writes acme/shop and acme/vault (private), `bob` reads
 * acme/shop and writes acme/docs; neither has any permission on acme/lone,
 * which is installed on another installation.
 */
export const PEOPLE: SimPerson[] = [
  { login: 'alice', id: 101 },
  { login: 'bob', id: 102 },
  { login: 'eve', id: 103 },
];

/** The repositories of the page's tests, and the simulated GitHub serving them with the app's user authorization. */
export interface PageWorld {
  shop: FakeGitHub;
  vault: FakeGitHub;
  docs: FakeGitHub;
  /** Of installation 2, which no one of `PEOPLE` may read. */
  lone: FakeGitHub;
  /** acme/.github (public), where the organisation's `baton-policy.yml` goes (`setPolicy`). */
  org: FakeGitHub;
  auth: SimUserAuth;
  server: GitHubServer;
  stop(): Promise<void>;
}

/**
 * acme/shop (public), acme/vault (private), acme/docs and acme/.github of installation 1,
 * acme/lone of installation 2, served over HTTP with the app's user
 * authorization; `prepare` changes them before the server starts.
 */
export async function startPageWorld({
  now = () => new Date().toISOString(),
  prepare,
}: {
  now?: () => string;
  prepare?: (world: Omit<PageWorld, 'server' | 'stop' | 'auth'>) => void;
} = {}): Promise<PageWorld> {
  const repo = (name: string, id: number, installationId = 1) =>
    new FakeGitHub({ owner: 'acme', repo: name, repositoryId: id, installationId, now });
  const shop = repo('shop', 11);
  const vault = repo('vault', 12);
  const docs = repo('docs', 13);
  const lone = repo('lone', 21, 2);
  const org = repo('.github', 10);
  vault.visibility = 'private';
  shop.permissions.set('alice', 'write').set('bob', 'read');
  vault.permissions.set('alice', 'write');
  docs.permissions.set('bob', 'write').set('alice', 'read');
  prepare?.({ shop, vault, docs, lone, org });
  const auth = new SimUserAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    repositories: () => [shop, vault, docs, lone],
    people: PEOPLE,
    now: () => Date.parse(now()),
  });
  const server = await startGitHubServer({
    gh: shop,
    repositories: [vault, docs, lone, org],
    appWebhookUrl: null,
    webhookSecret: 'unused',
    userAuth: auth,
  });
  return { shop, vault, docs, lone, org, auth, server, stop: () => server.close() };
}

/** Commits `text` as the organisation's `baton-policy.yml` in acme/.github; answers the commit. */
export function setPolicy(world: Pick<PageWorld, 'org'>, text: string): string {
  return world.org.git.commitOn(
    world.org.defaultBranch,
    { 'baton-policy.yml': text },
    'Baton policy',
  );
}

/** Commits `text` as `gh`'s `.github/baton.yml`; answers the commit. */
export function setConfig(gh: FakeGitHub, text: string): string {
  return gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': text }, 'Baton settings');
}
