/**
 * How the conductor reads a change set's members (docs/serverless.md, "Change
 * sets"). Its own token is minted for its repository alone, and GitHub answers
 * such a token only for that repository and public ones: a private member read
 * with it is null (GraphQL's NOT_FOUND), and the set would never plan. So the
 * members are read with a token of their own, minted for the set's repositories
 * and for reading only, and only for repositories the set's home lists in its
 * `changeSets.repositories`, as its default branch on GitHub holds it: what the
 * reconcile asks for is checked against the set GitHub shows, never taken on
 * its word.
 */
import type { RepoContext } from '../github/client/types.js';
import { loadConfig } from '../read-config.js';

/**
 * What a member's read needs (GitHub's GraphQL checks each field against the
 * token): its refs, records and workflow file (`contents`), its pull requests
 * (`pull_requests`) and their heads' checks and statuses (`checks`,
 * `statuses`); `metadata` comes with every token.
 */
export const MEMBER_READ_PERMISSIONS = {
  metadata: 'read',
  contents: 'read',
  pull_requests: 'read',
  checks: 'read',
  statuses: 'read',
} as const;

type Octokit = RepoContext['octokit'];

/** What the reader needs: minting, a client for a token, and the set's list as GitHub holds it. */
export interface MembersReaderDeps {
  /** Mints a token of `permissions` for `repositories`, names within the installation's account. */
  mint(request: {
    repositories: string[];
    permissions: typeof MEMBER_READ_PERMISSIONS;
  }): Promise<string>;
  client(token: string): Promise<Octokit>;
  /**
   * The repositories `home`'s `.github/baton.yml` lists in `changeSets.repositories`
   * on its default branch, read from GitHub; none where it lists none or does not parse.
   */
  listedBy(home: string): Promise<string[]>;
}

/**
 * The conductor's `membersReader`: a read-only client for the asked members of
 * the set whose home is `home`, minted once per job for each set of
 * repositories. Refuses, minting nothing, a repository that is neither the
 * home nor listed by it, or outside the home's account (the installation's
 * tokens name repositories within it).
 */
export function createMembersReader(
  deps: MembersReaderDeps,
): NonNullable<RepoContext['membersReader']> {
  const minted = new Map<string, Promise<Octokit>>();
  return async ({ home, repositories }) => {
    const owner = home.toLowerCase().split('/')[0] ?? '';
    const asked = [...new Set(repositories.map((name) => name.toLowerCase()))].sort();
    // Checked once a job for each set of repositories: the next reconcile's ask reuses its token.
    const key = `${home.toLowerCase()} ${asked.join(' ')}`;
    const known = minted.get(key);
    if (known) return known;
    const listed = new Set([home.toLowerCase(), ...(await deps.listedBy(home))]);
    const strangers = asked.filter(
      (name) => !listed.has(name) || name.split('/')[0] !== owner || !name.includes('/'),
    );
    if (strangers.length > 0 || asked.length === 0) {
      throw new Error(
        `no token is minted to read ${strangers.join(', ') || 'no repository'} for the change set of ${home}: a set's members are ${home} and the repositories its .github/baton.yml lists under changeSets.repositories on its default branch; list a repository there to make it a member`,
      );
    }
    const reader = deps
      .mint({
        repositories: asked.map((name) => name.split('/')[1] ?? name),
        permissions: MEMBER_READ_PERMISSIONS,
      })
      .then((token) => deps.client(token));
    // A failed mint is not kept: the next reconcile asks again.
    reader.catch(() => minted.delete(key));
    minted.set(key, reader);
    return reader;
  };
}

/**
 * What `home`'s `.github/baton.yml` lists under `changeSets.repositories` on
 * its default branch, read with a token for `home`; none where the file lists
 * none or does not parse.
 */
export async function setRepositoriesOf(octokit: Octokit, home: string): Promise<string[]> {
  const [owner = '', repo = ''] = home.split('/');
  const config = await loadConfig(octokit, { owner, repo });
  return config.ok ? config.config.changeSets.repositories : [];
}
