import { createHash } from 'node:crypto';
import type { GitHubState } from '../github-state.js';
import { json, notFound, type Router, unprocessable } from '../router.js';

interface TreeEntryInput {
  path: string;
  mode?: string;
  type?: 'blob' | 'tree' | 'commit';
  sha?: string | null;
  content?: string;
}

/** Blobs and trees made through the API that no commit holds yet; the store knows only commits' files. */
interface Pending {
  blobs: Map<string, string>;
  /** Tree sha → every file under it, path → text. */
  trees: Map<string, Map<string, string>>;
}

/**
 * Writing through the git data API: blobs, trees, commits. The git store
 * keeps a commit as its full file map, so a tree made here is kept as one
 * (base tree plus entries) until a commit is made from it; the commit is the
 * store's own, with the tree's files.
 */
export function registerContentRoutes(router: Router, gh: GitHubState): void {
  const repoPath = '/repos/{owner}/{repo}';
  const pending: Pending = { blobs: new Map(), trees: new Map() };
  router
    .on('POST', `${repoPath}/git/blobs`, (_, request) => {
      const { content, encoding = 'utf-8' } = request.body as {
        content?: string;
        encoding?: string;
      };
      if (typeof content !== 'string') return unprocessable('Invalid request: content is missing');
      const text =
        encoding === 'base64' ? Buffer.from(content, 'base64').toString('utf8') : content;
      const sha = gitHash('blob', text);
      pending.blobs.set(sha, text);
      return json(201, { sha, url: '' });
    })
    .on('POST', `${repoPath}/git/trees`, (_, request) => {
      const { tree, base_tree } = request.body as { tree?: TreeEntryInput[]; base_tree?: string };
      if (!Array.isArray(tree)) return unprocessable('Invalid request: tree is missing');
      const base = base_tree ? filesOfTree(gh, pending, base_tree) : new Map<string, string>();
      if (!base) return unprocessable('base_tree is not a valid tree');
      const files = new Map(base);
      for (const entry of tree) {
        const problem = applyEntry({ gh, pending, files, entry });
        if (problem) return unprocessable(problem);
      }
      const sha = gitHash(
        'tree',
        JSON.stringify([...files].sort(([a], [b]) => a.localeCompare(b))),
      );
      pending.trees.set(sha, files);
      return json(201, { sha, url: '', truncated: false, tree: treeListing(files) });
    })
    .on('POST', `${repoPath}/git/commits`, (_, request) => {
      const {
        message,
        tree,
        parents = [],
      } = request.body as {
        message?: string;
        tree?: string;
        parents?: string[];
      };
      if (typeof message !== 'string' || typeof tree !== 'string')
        return unprocessable('Invalid request: message and tree are required');
      const files = filesOfTree(gh, pending, tree);
      if (!files) return unprocessable('Tree SHA does not exist');
      if (parents.length > 1) return unprocessable('the simulator makes commits with one parent');
      const [parent = null] = parents;
      if (parent && gh.git.objects.get(parent)?.type !== 'commit')
        return unprocessable('Parent SHA does not exist or is not a commit object');
      const before = parent ? gh.git.filesOf(parent) : new Map<string, string>();
      const sha = gh.git.commit({ parent, changes: changesBetween(before, files), message });
      return json(201, commitBody(gh, pending, sha));
    })
    // One file written on a branch in one commit, as the contents API does: a file that
    // exists is changed only with its blob's sha (GitHub's 422 otherwise).
    .on('PUT', `${repoPath}/contents/{path}`, ({ path = '' }, request) => {
      const { message, content, branch, sha } = request.body as {
        message?: string;
        content?: string;
        branch?: string;
        sha?: string;
      };
      if (typeof message !== 'string' || typeof content !== 'string')
        return unprocessable('Invalid request: message and content are required');
      const name = branch ?? gh.defaultBranch;
      const head = gh.git.resolve(name);
      if (!head) return notFound();
      const existing = gh.git.entryAt(head, path);
      if (existing && existing.sha !== sha)
        return unprocessable(`Invalid request.\n\n"sha" wasn't supplied.`);
      const text = Buffer.from(content, 'base64').toString('utf8');
      const commit = gh.git.commit({ parent: head, changes: { [path]: text }, message });
      gh.setBranch(name, commit);
      const blob = gh.git.entryAt(commit, path);
      return json(existing ? 200 : 201, {
        content: { name: path.split('/').at(-1), path, sha: blob?.sha ?? '' },
        commit: commitBody(gh, pending, commit),
      });
    })
    .on('GET', `${repoPath}/git/commits/{commit_sha}`, ({ commit_sha = '' }) =>
      gh.git.objects.get(commit_sha)?.type === 'commit'
        ? json(200, commitBody(gh, pending, commit_sha))
        : notFound(),
    );
}

/** Applies one entry of a tree request to the file map; answers a problem, or null. */
function applyEntry({
  gh,
  pending,
  files,
  entry,
}: {
  gh: GitHubState;
  pending: Pending;
  files: Map<string, string>;
  entry: TreeEntryInput;
}): string | null {
  const path = entry.path.replace(/^\/+|\/+$/g, '');
  if (!path) return 'tree.path is missing';
  if (entry.sha === null) {
    // A null sha deletes the path: a file, or a whole folder.
    for (const existing of [...files.keys()])
      if (existing === path || existing.startsWith(`${path}/`)) files.delete(existing);
    return null;
  }
  if (typeof entry.content === 'string') {
    files.set(path, entry.content);
    return null;
  }
  if (entry.type === 'tree') {
    const subtree = entry.sha ? filesOfTree(gh, pending, entry.sha) : null;
    if (!subtree) return `tree.sha ${entry.sha ?? ''} is not a tree`;
    for (const [inner, content] of subtree) files.set(`${path}/${inner}`, content);
    return null;
  }
  const content = entry.sha ? blobContent(gh, pending, entry.sha) : null;
  if (content === null) return `tree.sha ${entry.sha ?? ''} is not a blob`;
  files.set(path, content);
  return null;
}

function blobContent(gh: GitHubState, pending: Pending, sha: string): string | null {
  const stored = gh.git.objects.get(sha);
  return pending.blobs.get(sha) ?? (stored?.type === 'blob' ? stored.content : null);
}

/** A tree as path → text: one made here, or one the store holds; null when `sha` is neither. */
function filesOfTree(gh: GitHubState, pending: Pending, sha: string): Map<string, string> | null {
  const made = pending.trees.get(sha);
  if (made) return made;
  const tree = gh.git.objects.get(sha);
  if (tree?.type !== 'tree') return null;
  const files = new Map<string, string>();
  for (const entry of tree.entries) {
    const object = gh.git.objects.get(entry.sha);
    if (object?.type === 'blob') files.set(entry.name, object.content);
    if (object?.type !== 'tree') continue;
    for (const [path, content] of filesOfTree(gh, pending, entry.sha) ?? [])
      files.set(`${entry.name}/${path}`, content);
  }
  return files;
}

function changesBetween(
  before: Map<string, string>,
  after: Map<string, string>,
): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const [path, content] of after) if (before.get(path) !== content) changes[path] = content;
  for (const path of before.keys()) if (!after.has(path)) changes[path] = null;
  return changes;
}

function commitBody(gh: GitHubState, pending: Pending, sha: string) {
  const commit = gh.git.objects.get(sha);
  if (commit?.type !== 'commit') throw new Error(`no commit ${sha}`);
  const treeSha = gh.git.entryAt(sha, '')?.sha ?? gitHash('tree', '[]');
  // Remembered so the tree can be a `base_tree` whatever the store keeps of trees.
  if (!pending.trees.has(treeSha)) pending.trees.set(treeSha, new Map(gh.git.filesOf(sha)));
  return {
    sha,
    url: '',
    html_url: `${gh.htmlUrl}/commit/${sha}`,
    message: commit.message,
    // The in-memory store dates only the commits a test dates; git's own store dates every one.
    ...(commit.committedAt
      ? {
          author: { name: 'GitHub', email: 'noreply@github.com', date: commit.committedAt },
          committer: { name: 'GitHub', email: 'noreply@github.com', date: commit.committedAt },
        }
      : {}),
    tree: { sha: treeSha, url: '' },
    parents: commit.parents.map((parent) => ({ sha: parent, url: '', html_url: '' })),
  };
}

function treeListing(files: Map<string, string>) {
  return [...files].map(([path, content]) => ({
    path,
    mode: '100644',
    type: 'blob',
    sha: gitHash('blob', content),
    size: Buffer.byteLength(content),
  }));
}

/** A sha the way git names an object of this type and content. */
function gitHash(type: 'blob' | 'tree', content: string): string {
  return createHash('sha1')
    .update(`${type} ${Buffer.byteLength(content)}\0`)
    .update(content)
    .digest('hex');
}
