import type { GitHubState } from '../github-state.js';
import type { SimRelease } from '../records.js';
import { json, notFound, type Router, unprocessable } from '../router.js';
import { page } from './routes-issues.js';

/**
 * Releases as GitHub's REST API keeps them ("Releases", "Release assets",
 * https://docs.github.com/rest/releases): a release names a tag; one made
 * published for a tag that does not exist creates the tag on
 * `target_commitish` (the default branch unless given), and so does a draft
 * when it is published, which is why a release workflow makes its tag first.
 * `releases/tags/{tag}` finds published releases only; the listing shows
 * drafts too. A tag has one published release, an asset name one file per
 * release (422 `already_exists` otherwise). Uploads go to `upload_url`, on
 * GitHub's uploads host, here this server.
 */
export function registerReleaseRoutes(router: Router, gh: GitHubState): void {
  const repoPath = '/repos/{owner}/{repo}';
  const releaseOf = (id: string | undefined) => gh.releases.find((one) => one.id === Number(id));
  const body = (release: SimRelease) => ({
    id: release.id,
    tag_name: release.tagName,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: false,
    target_commitish: release.targetCommitish,
    html_url: `https://github.com/${gh.fullName}/releases/tag/${release.tagName}`,
    upload_url: `${gh.uploadsUrl}/repos/${gh.fullName}/releases/${release.id}/assets{?name,label}`,
    assets: release.assets.map(({ id, name, size }) => ({ id, name, size })),
  });
  /** Publishing for a tag that is absent makes it, as GitHub does. */
  const tagFor = (release: SimRelease): string | null => {
    const ref = `refs/tags/${release.tagName}`;
    if (gh.git.refs.has(ref)) return null;
    const sha =
      gh.git.resolve(`refs/heads/${release.targetCommitish}`) ??
      (gh.git.objects.get(release.targetCommitish)?.type === 'commit'
        ? release.targetCommitish
        : null);
    if (!sha) return 'target_commitish is invalid';
    gh.git.refs.set(ref, sha);
    return null;
  };
  const publishedWith = (tag: string, except?: number) =>
    gh.releases.some((one) => one.tagName === tag && !one.draft && one.id !== except);
  router
    .on('GET', `${repoPath}/releases`, (_, request) =>
      page(gh.releases.toReversed().map(body), request.query, request.path),
    )
    .on('GET', `${repoPath}/releases/tags/{tag}`, ({ tag = '' }) => {
      const found = gh.releases.find((one) => one.tagName === tag && !one.draft);
      return found ? json(200, body(found)) : notFound();
    })
    .on('GET', `${repoPath}/releases/{release_id}`, ({ release_id }) => {
      const found = releaseOf(release_id);
      return found ? json(200, body(found)) : notFound();
    })
    .on('POST', `${repoPath}/releases`, (_, request) => {
      const given = (request.body ?? {}) as {
        tag_name?: string;
        name?: string;
        body?: string;
        draft?: boolean;
        target_commitish?: string;
      };
      if (!given.tag_name) return unprocessable('Validation Failed: tag_name is missing');
      const release: SimRelease = {
        id: gh.nextId(),
        tagName: given.tag_name,
        name: given.name ?? given.tag_name,
        body: given.body ?? '',
        draft: given.draft === true,
        targetCommitish: given.target_commitish ?? gh.defaultBranch,
        assets: [],
      };
      if (!release.draft && publishedWith(release.tagName))
        return unprocessable('Validation Failed: already_exists (tag_name)');
      const refused = release.draft ? null : tagFor(release);
      if (refused) return unprocessable(`Validation Failed: ${refused}`);
      gh.releases.push(release);
      return json(201, body(release));
    })
    .on('PATCH', `${repoPath}/releases/{release_id}`, ({ release_id }, request) => {
      const found = releaseOf(release_id);
      if (!found) return notFound();
      const given = (request.body ?? {}) as { draft?: boolean; body?: string; name?: string };
      if (found.draft && given.draft === false) {
        if (publishedWith(found.tagName, found.id))
          return unprocessable('Validation Failed: already_exists (tag_name)');
        const refused = tagFor(found);
        if (refused) return unprocessable(`Validation Failed: ${refused}`);
        found.draft = false;
      }
      if (given.body !== undefined) found.body = given.body;
      if (given.name !== undefined) found.name = given.name;
      return json(200, body(found));
    })
    .on('GET', `${repoPath}/releases/{release_id}/assets`, ({ release_id }, request) => {
      const found = releaseOf(release_id);
      if (!found) return notFound();
      return page(
        found.assets.map(({ id, name, size }) => ({ id, name, size })),
        request.query,
        request.path,
      );
    })
    .on('POST', `${repoPath}/releases/{release_id}/assets`, ({ release_id }, request) => {
      const found = releaseOf(release_id);
      if (!found) return notFound();
      const name = request.query.get('name');
      if (!name) return unprocessable('Validation Failed: name is missing');
      if (found.assets.some((one) => one.name === name))
        return unprocessable('Validation Failed: already_exists (name)');
      const content =
        typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      const asset = { id: gh.nextId(), name, size: Buffer.byteLength(content), content };
      found.assets.push(asset);
      return json(201, { id: asset.id, name, size: asset.size, state: 'uploaded' });
    });
}
