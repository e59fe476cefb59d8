/**
 * `baton session views`: the first job of a change set's plan session
 * (docs/change-sets.md). With no model and no model key, it gets for exactly
 * the repositories the session may read the link GitHub makes for an archive
 * of one branch of each (from the app's endpoint, for this job's OIDC token;
 * with nothing hosted, asked here with a read-only token minted from the
 * app's key by the same rules, revoked once the archives are downloaded),
 * unpacks each, and leaves the files in `$BATON_OUT` for the agent job,
 * which holds no credential.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import type { ViewArchive, ViewTarget } from '../../core/change-set/views.js';
import type { SessionEnv } from '../env.js';
import { programEnv, programPath } from '../programs.js';
import { revokeSessionToken } from '../publish/write/token/get-session-token.js';
import { askViews } from './ask-views.js';
import { mintViews } from './mint-views.js';

/** What the views job leaves for the agent: each view's repository, branch and folder. */
export const VIEWS_MANIFEST = 'views.json';

const run = promisify(execFile);

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
      await downloadView({ view, into: path.join(env.BATON_OUT, folder), fetch });
      // The manifest names the branch, never the link (a private one's carries a token).
      read.push({ repository: view.repository, ref: view.ref, path: folder });
      log(
        `baton: read ${view.repository}${view.ref ? ` (${view.ref})` : ''}: its files, no history`,
      );
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
 * One branch of a repository as its archive link gives it (no history, no
 * `.git`: what the agent reads is files, never a repository git would act
 * on), unpacked into `into`. The link needs no credential of the job's; the
 * archive is unzipped here and unpacked by the system's `tar` alone, with
 * the system's `PATH` (`-z` would start a `gzip` found on the job's).
 */
async function downloadView({
  view,
  into,
  fetch,
}: {
  view: ViewArchive;
  into: string;
  fetch: typeof globalThis.fetch;
}): Promise<void> {
  const response = await fetch(view.archive);
  if (!response.ok || !response.body)
    throw new Error(
      `GitHub answered ${response.status} for the archive of ${view.repository}${view.ref ? ` (${view.ref})` : ''}`,
    );
  const work = await mkdtemp(path.join(tmpdir(), 'baton-view-'));
  try {
    const tarball = path.join(work, 'view.tar');
    await pipeline(
      Readable.fromWeb(response.body as ReadableStream<Uint8Array>),
      createGunzip(),
      createWriteStream(tarball),
    );
    await mkdir(into, { recursive: true });
    // GitHub's archive holds every file under one folder, `<owner>-<repo>-<sha>/`.
    await run(
      programPath('tar'),
      [
        '-xf',
        tarball,
        '-C',
        into,
        '--strip-components=1',
        '--no-same-owner',
        '--no-same-permissions',
      ],
      { env: programEnv() },
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
