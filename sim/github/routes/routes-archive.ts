import { ARCHIVE_LINK_MS, archiveLinkToken, tarGz } from '../archive.js';
import type { GitHubState } from '../github-state.js';
import { notFound, type Router } from '../router.js';

/**
 * `GET /repos/{owner}/{repo}/tarball/{ref}`: 302 to the ref's archive on
 * codeload (sim/github/archive.ts), a link with a token of its own while the
 * repository is not public. The token's `contents: read` is checked first,
 * with every other permission (FakeGitHub.authorize).
 */
export function registerArchiveRoutes(router: Router, gh: GitHubState): void {
  router.on('GET', '/repos/{owner}/{repo}/tarball/{ref}', ({ ref = '' }) => {
    const branch = ref.replace(/^refs\/heads\//, '');
    if (!gh.git.resolve(`refs/heads/${branch}`)) return notFound();
    const link = `${gh.codeloadUrl}/${gh.fullName}/legacy.tar.gz/refs/heads/${branch}`;
    if (gh.visibility === 'public') return { status: 302, headers: { location: link } };
    const token = archiveLinkToken();
    gh.archiveLinks.set(token, {
      repository: gh.fullName,
      ref: branch,
      expiresAt: Date.parse(gh.now()) + ARCHIVE_LINK_MS,
    });
    return { status: 302, headers: { location: `${link}?token=${token}` } };
  });
}

/**
 * Codeload's answer to an archive link: the path after the host
 * (`/{owner}/{repo}/legacy.tar.gz/refs/heads/{branch}`) and its `token`. A
 * private repository's archive only for a token made for that repository and
 * branch, within its five minutes; GitHub answers anything else 404.
 */
export function serveArchive(
  gh: GitHubState,
  { path, token }: { path: string; token: string | null },
): { status: number; body: Buffer | string; headers: Record<string, string> } {
  const refused = { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
  const found = /^\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/refs\/heads\/(.+)$/.exec(path);
  const [, owner = '', repo = '', branch = ''] = found ?? [];
  if (!found || `${owner}/${repo}`.toLowerCase() !== gh.fullName.toLowerCase()) return refused;
  if (gh.visibility !== 'public') {
    const link = token === null ? undefined : gh.archiveLinks.get(token);
    const live = link && Date.parse(gh.now()) < link.expiresAt;
    if (!live || link.repository !== gh.fullName || link.ref !== branch) return refused;
  }
  const sha = gh.git.resolve(`refs/heads/${branch}`);
  if (!sha) return refused;
  return {
    status: 200,
    body: tarGz(gh.git.filesOf(sha), `${gh.owner}-${gh.repo}-${sha.slice(0, 7)}`),
    headers: {
      'content-type': 'application/x-gzip',
      'content-disposition': `attachment; filename=${gh.owner}-${gh.repo}-${sha.slice(0, 7)}.tar.gz`,
    },
  };
}
