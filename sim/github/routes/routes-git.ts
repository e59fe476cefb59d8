import { credentialIn, type GitHubState } from '../github-state.js';
import type { Grants } from '../permissions.js';
import { json, notFound, type Router, unprocessable } from '../router.js';
import { page } from './routes-issues.js';

/** Git data, contents, compare and merges; plus the app's own endpoints. */
export function registerGitRoutes(router: Router, gh: GitHubState): void {
  const repoPath = '/repos/{owner}/{repo}';
  router
    .on('GET', '/app', () =>
      json(200, {
        id: 1,
        slug: gh.botLogin.replace(/\[bot\]$/, ''),
        name: 'Baton',
        client_id: gh.appClientId,
      }),
    )
    .on('GET', '/app/installations', () =>
      json(200, [{ id: gh.installationId, account: { login: gh.owner } }]),
    )
    .on('GET', '/app/installations/{installation_id}', () =>
      json(200, { id: gh.installationId, account: { login: gh.owner } }),
    )
    // The installation's repositories as the token sees them, in GitHub's pages: "List
    // repositories that an app installation can access"
    // (https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation),
    // and a token minted for some repositories can access those alone ("the repositories or
    // repository_ids body parameters … specify individual repositories that the installation
    // access token can access", https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app).
    .on('GET', '/installation/repositories', (_, request) => {
      const repositories = gh.repositoriesOfRequest(request).map(repositoryBody);
      const listed = page(repositories, request.query);
      return { ...listed, body: { total_count: repositories.length, repositories: listed.body } };
    })
    .on('POST', '/app/installations/{installation_id}/access_tokens', (_, request) => {
      const body = request.body as
        | { permissions?: Grants; repositories?: string[]; repository_ids?: number[] }
        | undefined;
      const scope =
        body?.repositories || body?.repository_ids
          ? {
              ...(body.repositories ? { names: body.repositories } : {}),
              ...(body.repository_ids ? { ids: body.repository_ids } : {}),
            }
          : undefined;
      const minted = gh.mintToken(body?.permissions, scope);
      if ('refused' in minted) return unprocessable(minted.refused);
      return json(201, {
        token: minted.token,
        // "The installation access token will expire after 1 hour" (the endpoint's page above);
        // the simulator says so, and takes the token until the end of the test.
        expires_at: new Date(Date.parse(gh.now()) + 60 * 60 * 1000).toISOString(),
        permissions: minted.permissions,
      });
    })
    .on('GET', '/meta', () =>
      json(200, {
        verifiable_password_authentication: false,
        ...(gh.enterpriseVersion === null
          ? {}
          : { installed_version: `${gh.enterpriseVersion}.0` }),
      }),
    )
    // Revoking the token a request is made with (`gh.revokeToken`).
    .on('DELETE', '/installation/token', (_, request) => {
      gh.revokeToken(credentialIn(request.headers));
      return json(204);
    })
    .on('GET', repoPath, () => json(200, repositoryBody(gh)))
    .on('GET', `${repoPath}/contents/{path}`, ({ path = '' }, request) => {
      const ref = request.query.get('ref') ?? gh.defaultBranch;
      const sha = gh.git.resolve(ref);
      const entry = sha ? gh.git.entryAt(sha, path) : null;
      if (!sha || !entry) return notFound();
      if (entry.type === 'tree') {
        return json(
          200,
          gh.git.listDir(sha, path.replace(/\/+$/, '')).map((child) => ({
            name: child.name,
            path: `${path.replace(/\/+$/, '')}/${child.name}`,
            type: child.type === 'tree' ? 'dir' : 'file',
            sha: child.sha,
            size: child.size,
          })),
        );
      }
      const content = entry.content ?? '';
      if ((request.headers.accept ?? '').includes('raw')) {
        return {
          status: 200,
          body: content,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        };
      }
      return json(200, {
        type: 'file',
        name: path.split('/').at(-1),
        path,
        sha: entry.sha,
        size: entry.size,
        encoding: 'base64',
        content: Buffer.from(content).toString('base64'),
      });
    })
    // "List commits" (https://docs.github.com/rest/commits/commits#list-commits): from `sha`
    // (the default branch unless given) along first parents, newest first, only those that
    // changed `path` where one is named, and dated within `since`..`until` where given;
    // `author` is the linked account, or null.
    .on('GET', `${repoPath}/commits`, (_, request) => {
      const from = gh.git.resolve(request.query.get('sha') ?? gh.defaultBranch);
      if (!from) return notFound();
      const path = request.query.get('path');
      const since = Date.parse(request.query.get('since') ?? '') || Number.NEGATIVE_INFINITY;
      const until = Date.parse(request.query.get('until') ?? '') || Number.POSITIVE_INFINITY;
      const listed: unknown[] = [];
      for (let sha: string | undefined = from; sha; ) {
        const object = gh.git.objects.get(sha);
        if (object?.type !== 'commit') break;
        const parent = object.parents[0];
        const changed =
          path === null ||
          (gh.git.entryAt(sha, path)?.sha ?? null) !==
            (parent ? (gh.git.entryAt(parent, path)?.sha ?? null) : null);
        const dated = Date.parse(object.committedAt ?? UNDATED);
        if (changed && dated >= since && dated <= until) listed.push(commitBody(gh, sha, object));
        sha = parent;
      }
      return page(listed, new URLSearchParams(request.query));
    })
    .on('GET', `${repoPath}/git/matching-refs/{ref}`, ({ ref = '' }, request) => {
      const refs = [...gh.git.refs]
        .filter(([name]) => name.startsWith(`refs/${ref}`))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, sha]) => refBody(name, sha, gh.fullName));
      if (gh.matchingRefsPageSize === null) return json(200, refs);
      const query = new URLSearchParams(request.query);
      query.set('per_page', String(gh.matchingRefsPageSize));
      return page(refs, query);
    })
    .on('GET', `${repoPath}/git/ref/{ref}`, ({ ref = '' }) => {
      const sha = gh.git.refs.get(`refs/${ref}`);
      return sha ? json(200, refBody(`refs/${ref}`, sha, gh.fullName)) : notFound();
    })
    .on('POST', `${repoPath}/git/refs`, (_, request) => {
      const { ref, sha } = request.body as { ref: string; sha: string };
      if (!isValidRefName(ref)) return unprocessable('Reference name is invalid');
      if (gh.git.refs.has(ref)) return unprocessable('Reference already exists');
      if (gh.git.objects.get(sha)?.type !== 'commit') return unprocessable('Object does not exist');
      if (ref.startsWith('refs/heads/')) gh.setBranch(ref.slice('refs/heads/'.length), sha);
      else gh.git.refs.set(ref, sha);
      return json(201, refBody(ref, sha, gh.fullName));
    })
    .on('PATCH', `${repoPath}/git/refs/{ref}`, ({ ref = '' }, request) => {
      const { sha, force } = request.body as { sha: string; force?: boolean };
      const name = `refs/${ref}`;
      const current = gh.git.refs.get(name);
      if (!current) return unprocessable('Reference does not exist');
      if (!force && !gh.git.isAncestor(current, sha))
        return unprocessable('Update is not a fast forward');
      if (name.startsWith('refs/heads/')) gh.setBranch(name.slice('refs/heads/'.length), sha);
      else gh.git.refs.set(name, sha);
      return json(200, refBody(name, sha, gh.fullName));
    })
    .on('DELETE', `${repoPath}/git/refs/{ref}`, ({ ref = '' }) => {
      const deleted = ref.startsWith('heads/')
        ? gh.deleteBranch(ref.slice('heads/'.length))
        : gh.git.refs.delete(`refs/${ref}`);
      return deleted ? json(204) : unprocessable('Reference does not exist');
    })
    .on('GET', `${repoPath}/git/trees/{tree_sha}`, ({ tree_sha = '' }) => {
      const tree = gh.git.objects.get(tree_sha);
      if (tree?.type !== 'tree') return notFound();
      return json(200, {
        sha: tree_sha,
        truncated: false,
        tree: tree.entries.map((e) => ({
          path: e.name,
          type: e.type,
          sha: e.sha,
          size: e.size,
          mode: '100644',
        })),
      });
    })
    .on('GET', `${repoPath}/git/blobs/{file_sha}`, ({ file_sha = '' }) => {
      const blob = gh.git.objects.get(file_sha);
      if (blob?.type !== 'blob') return notFound();
      return json(200, {
        sha: file_sha,
        size: blob.content.length,
        encoding: 'base64',
        content: Buffer.from(blob.content).toString('base64'),
      });
    })
    .on('GET', `${repoPath}/compare/{basehead}`, ({ basehead = '' }) => {
      const [base = '', head = ''] = basehead.split('...');
      const baseSha = gh.git.resolve(base);
      const headSha = gh.git.resolve(head);
      if (!baseSha || !headSha) return notFound();
      const ahead = [...gh.git.ancestors(headSha)].filter(
        (sha) => !gh.git.ancestors(baseSha).has(sha),
      );
      const behind = [...gh.git.ancestors(baseSha)].filter(
        (sha) => !gh.git.ancestors(headSha).has(sha),
      );
      const status =
        ahead.length && behind.length
          ? 'diverged'
          : ahead.length
            ? 'ahead'
            : behind.length
              ? 'behind'
              : 'identical';
      // GitHub answers 404 where the two share no history.
      const mergeBase = gh.git.mergeBase(baseSha, headSha);
      if (mergeBase === null) return notFound();
      return json(200, {
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        merge_base_commit: { sha: mergeBase },
        commits: [],
        files: comparedFiles(gh, mergeBase, headSha),
      });
    })
    .on('POST', `${repoPath}/merges`, (_, request) => {
      const { base, head, commit_message } = request.body as {
        base: string;
        head: string;
        commit_message?: string;
      };
      const baseSha = gh.git.resolve(base);
      const headSha = gh.git.resolve(head);
      if (!baseSha || !headSha) return notFound();
      if (gh.git.isAncestor(headSha, baseSha)) return json(204);
      if (gh.git.conflicts(baseSha, headSha).length > 0)
        return json(409, { message: 'Merge conflict' });
      const sha = gh.git.merge({
        ours: baseSha,
        theirs: headSha,
        message: commit_message ?? `Merge ${head} into ${base}`,
      });
      gh.setBranch(base, sha);
      return json(201, { sha, commit: { message: commit_message ?? '' } });
    });
}

/**
 * The files of a comparison as GitHub lists them (its "diff entries"): what
 * changed from the merge base of `base...head` to `head`, each with its blob
 * after (`sha`; the blob before for a removed file), at most 300 as GitHub
 * lists. No renames are found: a moved file is removed and added.
 */
function comparedFiles(gh: GitHubState, from: string | null, to: string) {
  const before = from ? gh.git.filesOf(from) : new Map<string, string>();
  const after = gh.git.filesOf(to);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths
    .filter((path) => before.get(path) !== after.get(path))
    .slice(0, 300)
    .map((path) => {
      const status = !before.has(path) ? 'added' : !after.has(path) ? 'removed' : 'modified';
      const at = status === 'removed' ? (from ?? to) : to;
      return { filename: path, status, sha: gh.git.entryAt(at, path)?.sha ?? null };
    });
}

/** A ref's GraphQL node id: opaque to clients, its repository and name here (ids are global). */
/** A repository as GitHub's REST API shows it (the fields Baton reads). */
export function repositoryBody(
  gh: Pick<
    GitHubState,
    | 'repositoryId'
    | 'nodeId'
    | 'repo'
    | 'fullName'
    | 'defaultBranch'
    | 'owner'
    | 'visibility'
    | 'htmlUrl'
  >,
) {
  return {
    id: gh.repositoryId,
    node_id: gh.nodeId,
    name: gh.repo,
    full_name: gh.fullName,
    default_branch: gh.defaultBranch,
    owner: { login: gh.owner },
    private: gh.visibility !== 'public',
    visibility: gh.visibility,
    html_url: gh.htmlUrl,
  };
}

export function refNodeId(repository: string, ref: string): string {
  return `REF_${Buffer.from(`${repository}:${ref}`).toString('base64url')}`;
}

/** The repository (`owner/name`) and ref a node id names, or null. */
export function refOfNodeId(id: string): { repository: string; ref: string } | null {
  if (!id.startsWith('REF_')) return null;
  const [repository = '', ref = ''] = Buffer.from(id.slice(4), 'base64url')
    .toString()
    .split(/:(.*)/);
  return ref ? { repository, ref } : null;
}

function refBody(ref: string, sha: string, repository: string) {
  return {
    ref,
    node_id: refNodeId(repository, ref),
    url: '',
    object: { sha, type: 'commit', url: '' },
  };
}

/**
 * git's rules for a ref name (git-check-ref-format), which GitHub applies to
 * `POST /git/refs`: under `refs/` with at least two levels, no `..`, `@{`, `//`,
 * control characters, space or any of `~^:?*[\`; no component starting with `.`
 * or ending in `.lock`; not ending in `/` or `.`.
 */
export function isValidRefName(ref: string): boolean {
  if (!ref.startsWith('refs/') || ref.split('/').length < 3) return false;
  if (/\.\.|@\{|\/\/|[ ~^:?*[\\]/.test(ref)) return false;
  if ([...ref].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f))
    return false;
  if (ref.endsWith('/') || ref.endsWith('.')) return false;
  return ref.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

/** A commit as "List commits" gives it: its sha, git's author, the linked account, its parents, its page. */
/** The date of a commit the in-memory store does not date (git's own store dates every one). */
const UNDATED = '2026-01-01T00:00:00Z';

function commitBody(
  gh: GitHubState,
  sha: string,
  object: {
    parents: string[];
    message: string;
    committedAt?: string;
    author?: { name: string; email: string };
  },
) {
  const login = gh.commitAuthors.get(sha);
  const author = object.author ?? { name: 'someone', email: 'someone@example.com' };
  const date = object.committedAt ?? UNDATED;
  return {
    sha,
    html_url: `https://github.com/${gh.fullName}/commit/${sha}`,
    commit: {
      message: object.message,
      author: { ...author, date },
      committer: { ...author, date },
    },
    author: login ? gh.user(login) : null,
    parents: object.parents.map((parent) => ({ sha: parent })),
  };
}
