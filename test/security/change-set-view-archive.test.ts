import { Probot, ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_LINK_MS } from '../../sim/github/archive.js';
import { createSessionTokenDepsFromProbot } from '../../src/server/session-token-deps.js';
import { TEST_PRIVATE_KEY } from '../support/app-key.js';
import { installedRepo } from '../support/builds.js';
import { mountCodeloadOnNock, mountOnNock } from '../support/mount-nock.js';
import { nockEachTest } from '../support/nock-each-test.js';
import { tarEntries } from '../support/tar-entries.js';

/**
 * What a change set's views job is handed of another repository
 * (docs/security.md, "Change sets"): the link GitHub makes for an archive of
 * one branch, asked with the app's own token. It opens that branch's files at
 * its head and nothing else: no history, no other branch, no other ref with
 * its token, and not after five minutes; the job never holds a token that
 * reads the repository.
 */
nockEachTest();
const probot = new Probot({
  appId: 1,
  privateKey: TEST_PRIVATE_KEY,
  Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  logLevel: 'fatal',
});

function privateLibrary() {
  let at = Date.parse('2026-03-01T10:00:00Z');
  const gh = installedRepo(() => new Date(at).toISOString(), { owner: 'acme', repo: 'lib' });
  gh.visibility = 'private';
  gh.git.commitOn('main', { 'notes/old-design.md': 'the old signing scheme\n' }, 'Old design');
  const base = gh.git.commitOn('main', { 'src/lib.js': 'export const get = 1;\n' }, 'Get');
  gh.git.commitOn('main', { 'notes/old-design.md': null }, 'Drop the old design');
  gh.git.refs.set('refs/heads/unreleased', base);
  gh.git.commitOn('unreleased', { 'src/next.js': 'the unreleased plan\n' }, 'Next');
  return { gh, later: (ms: number) => (at += ms) };
}

async function download(link: string): Promise<{ status: number; files: Map<string, string> }> {
  const response = await fetch(link);
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, files: response.ok ? tarEntries(body) : new Map() };
}

describe('a change set’s view of a private repository', () => {
  it('is a link to one branch’s files at its head: no history, no other branch, and no token of the repository', async () => {
    const { gh, later } = privateLibrary();
    mountOnNock(gh);
    mountCodeloadOnNock([gh]);
    const views = createSessionTokenDepsFromProbot(probot).views;

    const link = await views.archive({ installationId: 1, repository: 'acme/lib', ref: null });

    const url = new URL(link);
    expect(url.host).toBe('codeload.github.com');
    const { status, files } = await download(link);
    expect(status).toBe(200);
    const head = gh.git.resolve('main') ?? '';
    const folder = `acme-lib-${head.slice(0, 7)}`;
    expect([...files.keys()].sort()).toEqual(
      [...gh.git.filesOf(head).keys()].map((path) => `${folder}/${path}`).sort(),
    );
    // Neither what main once held nor what another branch holds.
    expect(JSON.stringify([...files])).not.toContain('old signing scheme');
    expect(JSON.stringify([...files])).not.toContain('unreleased plan');
    // Its token opens no other branch's archive, and none after five minutes.
    const other = link.replace('refs/heads/main', 'refs/heads/unreleased');
    expect((await download(other)).status).toBe(404);
    later(ARCHIVE_LINK_MS);
    expect((await download(link)).status).toBe(404);
  });
});
