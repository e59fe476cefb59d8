import type { RepoContext } from '../client/types.js';
import { statusOf } from '../client/types.js';

/** A path as a commit holds it, before it is fingerprinted. */
export type FileRead = { kind: 'absent' } | { kind: 'file'; content: string } | { kind: 'other' };

/** A branch's head commit; null when the branch does not exist (or the repository is empty). */
export async function readBranchHead(ctx: RepoContext, branch: string): Promise<string | null> {
  try {
    const { data } = await ctx.octokit.rest.git.getRef({
      owner: ctx.owner,
      repo: ctx.repo,
      ref: `heads/${branch}`,
    });
    return data.object.sha;
  } catch (error) {
    // 409: "Git Repository is empty".
    if (statusOf(error) === 404 || statusOf(error) === 409) return null;
    throw error;
  }
}

/** The given paths at one commit, read in parallel. */
export async function readFilesAt(
  ctx: RepoContext,
  { ref, paths }: { ref: string; paths: readonly string[] },
): Promise<Map<string, FileRead>> {
  const reads = await Promise.all(
    paths.map(async (path) => [path, await readFileAt(ctx, { ref, path })] as const),
  );
  return new Map(reads);
}

/** A file's text at `ref` (a branch or a commit): absent, another thing (a folder, past 1 MB), or its text. */
export async function readFileAt(
  ctx: RepoContext,
  { ref, path }: { ref: string; path: string },
): Promise<FileRead> {
  try {
    const { data } = await ctx.octokit.rest.repos.getContent({
      owner: ctx.owner,
      repo: ctx.repo,
      path,
      ref,
    });
    // Above 1 MB GitHub answers `encoding: none` without content: not a file Baton shipped.
    if (Array.isArray(data) || data.type !== 'file' || !('encoding' in data))
      return { kind: 'other' };
    if (data.encoding !== 'base64') return { kind: 'other' };
    return { kind: 'file', content: Buffer.from(data.content, 'base64').toString('utf8') };
  } catch (error) {
    if (statusOf(error) === 404) return { kind: 'absent' };
    throw error;
  }
}

/**
 * One commit on top of `parent` that writes `files` (path → content), made
 * with the git data API: a blob per file, a tree on the parent's, the commit.
 * No ref moves; the caller decides which ref, and how (that is its lock).
 */
export async function commitFiles(
  ctx: RepoContext,
  { parent, files, message }: { parent: string; files: Record<string, string>; message: string },
): Promise<string> {
  const { owner, repo } = ctx;
  const { data: parentCommit } = await ctx.octokit.rest.git.getCommit({
    owner,
    repo,
    commit_sha: parent,
  });
  const tree: { path: string; mode: '100644'; type: 'blob'; sha: string }[] = [];
  // One at a time: GitHub's secondary limits punish bursts of content-creating requests.
  for (const [path, content] of Object.entries(files)) {
    const { data: blob } = await ctx.octokit.rest.git.createBlob({
      owner,
      repo,
      content,
      encoding: 'utf-8',
    });
    tree.push({ path, mode: '100644', type: 'blob', sha: blob.sha });
  }
  const { data: newTree } = await ctx.octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: parentCommit.tree.sha,
    tree,
  });
  const { data: commit } = await ctx.octokit.rest.git.createCommit({
    owner,
    repo,
    message,
    tree: newTree.sha,
    parents: [parent],
  });
  return commit.sha;
}
