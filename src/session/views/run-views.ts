/**
 * `baton session views`: the first job of a change set's plan session
 * (docs/change-sets.md). With no model and no model key, it gets a read-only
 * token for exactly the repositories the session may read (from the app's
 * endpoint, for this job's OIDC token; with nothing hosted, minted here from
 * the app's key by the same rules), fetches a shallow copy of each, revokes
 * the token, and leaves the copies in `$BATON_OUT` for the agent job, which
 * holds no credential.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ViewTarget } from '../../core/change-set/views.js';
import type { SessionEnv } from '../env.js';
import { createScratchRepo } from '../publish/git.js';
import { revokeSessionToken } from '../publish/write/get-session-token.js';
import { askViews } from './ask-views.js';
import { mintViews } from './mint-views.js';

/** What the views job leaves for the agent: each view's repository, branch and folder. */
export const VIEWS_MANIFEST = 'views.json';

export interface ViewRead extends ViewTarget {
  /** Its folder under the views' root: `owner/name`. */
  path: string;
}

/** Runs the views job; answers its exit code. */
export async function runViews(
  env: SessionEnv,
  {
    fetch = globalThis.fetch,
    mask = (secret: string) => process.stdout.write(`::add-mask::${secret}\n`),
    log = (line: string) => process.stdout.write(`${line}\n`),
  }: {
    fetch?: typeof globalThis.fetch;
    mask?: (secret: string) => void;
    log?: (line: string) => void;
  } = {},
): Promise<number> {
  const given = env.BATON_APP_PRIVATE_KEY
    ? await mintViews({ env, fetch, mask })
    : await askViews({ env, fetch, mask });
  if (!given.ok) {
    log(`baton: no views: ${given.message}`);
    return 1;
  }
  const read: ViewRead[] = [];
  try {
    for (const view of given.views) {
      const folder = view.repository;
      await fetchView({ env, view, token: given.token, into: path.join(env.BATON_OUT, folder) });
      read.push({ ...view, path: folder });
      log(`baton: read ${view.repository}${view.ref ? ` (${view.ref})` : ''}, read-only`);
    }
  } finally {
    if (given.token)
      await revokeSessionToken({ apiUrl: env.GITHUB_API_URL, token: given.token, fetch });
  }
  await mkdir(env.BATON_OUT, { recursive: true });
  await writeFile(path.join(env.BATON_OUT, VIEWS_MANIFEST), `${JSON.stringify(read, null, 2)}\n`);
  if (read.length === 0) log('baton: this session may read no other repository');
  return 0;
}

/**
 * A shallow copy of one branch of a repository (its default branch when `ref`
 * is null), its files checked out and its `.git` removed: what the agent reads
 * is files, never a repository git would act on. The token reaches git only
 * through its environment (`gitAuthEnv`).
 */
async function fetchView({
  env,
  view,
  token,
  into,
}: {
  env: SessionEnv;
  view: ViewTarget;
  token: string | null;
  into: string;
}): Promise<void> {
  const repo = await createScratchRepo(undefined);
  try {
    const remote = `${env.GITHUB_SERVER_URL.replace(/\/+$/, '')}/${view.repository}.git`;
    const ref = view.ref ? `refs/heads/${view.ref}` : 'HEAD';
    await repo.must({
      args: ['fetch', '--quiet', '--depth', '1', remote, ref],
      ...(token ? { token } : {}),
    });
    await mkdir(into, { recursive: true });
    await repo.must({
      args: ['--work-tree', into, 'checkout', '--quiet', 'FETCH_HEAD', '--', '.'],
    });
  } finally {
    await repo.dispose();
  }
}
