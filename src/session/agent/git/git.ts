import { execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { programPath, SYSTEM_PATH } from '../../programs.js';
import { listWorkTree, type TreeEntry } from './work-tree.js';

const run = promisify(execFile);

/** Who Baton's commits are by, unless the environment already says. */
export const BATON_AUTHOR = { name: 'Baton', email: 'baton@users.noreply.github.com' };

/**
 * Settings for every git command Baton runs. The repository's own `.git` is
 * the job's and out of the model's reach, but the files git reads from a
 * working tree are not: no hooks, no fsmonitor, no attributes file, no pager,
 * no signing (a session cannot sign). Content is read with `--no-filters`
 * (see commitAll), so no filter driver, diff driver or text conversion runs.
 */
const SAFE_CONFIG = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.attributesFile=/dev/null',
  '-c',
  'core.pager=cat',
  '-c',
  'diff.external=',
];

/**
 * The environment every git command of Baton's gets on top of its own: no
 * system or global config (a machine's config is not Baton's to trust), no
 * system attributes, no prompts, the repository named explicitly so git
 * never discovers a `.git` of someone else's, and the system's PATH (never
 * one a setup step extended), for whatever git itself starts.
 */
export function safeGitEnv(env: Record<string, string>, root: string): Record<string, string> {
  const clean = Object.fromEntries(
    Object.entries(env).filter(([name]) => !/^GIT_/.test(name) || IDENTITY.has(name)),
  );
  return {
    ...clean,
    PATH: SYSTEM_PATH,
    GIT_DIR: path.join(root, '.git'),
    GIT_WORK_TREE: root,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
  };
}

const IDENTITY = new Set([
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_DATE',
]);

/** A git failure, with git's own message. */
export class GitError extends Error {
  constructor(args: readonly string[], stderr: string, options?: { cause: unknown }) {
    // Name the subcommand only: a `-c` value may hold a credential.
    const command = args.find((arg, i) => !arg.startsWith('-') && args[i - 1] !== '-c') ?? '';
    super(`git ${command} failed: ${stderr.trim().slice(0, 1000)}`, options);
    this.name = 'GitError';
  }
}

/** Where git runs, and with which environment. */
export interface GitOptions {
  /** The repository's working tree; its `.git` is the job's. */
  root: string;
  /** Scrubbed (see scrubEnv); safeGitEnv is added to it. */
  env: Record<string, string>;
  /** Extra variables for this command only (never on the command line, which any user can read). */
  extraEnv?: Record<string, string>;
}

/** Runs git in the repository and answers its trimmed stdout. */
export async function git(options: GitOptions, args: readonly string[]): Promise<string> {
  return (await gitRaw(options, args)).trim();
}

async function gitRaw(
  { root, env, extraEnv }: GitOptions,
  args: readonly string[],
  input?: string,
): Promise<string> {
  const fullEnv = { ...safeGitEnv(env, root), ...extraEnv };
  try {
    if (input === undefined) {
      const { stdout } = await run(programPath('git'), [...SAFE_CONFIG, ...args], {
        cwd: root,
        env: fullEnv,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout;
    }
    return await runWithInput([...SAFE_CONFIG, ...args], { cwd: root, env: fullEnv }, input);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new GitError(args, stderr, { cause: error });
  }
}

function runWithInput(
  args: string[],
  options: { cwd: string; env: Record<string, string> },
  input: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(programPath('git'), args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(Object.assign(new Error(stderr), { stderr })),
    );
    child.stdin.end(input);
  });
}

/** Whether git succeeds: for questions git answers with its exit code. */
export async function gitSucceeds(options: GitOptions, args: readonly string[]): Promise<boolean> {
  return git(options, args).then(
    () => true,
    () => false,
  );
}

/** What to commit: a working tree, and files Baton wrote itself that take precedence. */
export interface CommitSource {
  /** The tree the model worked in (the repository's own when it has no copy). */
  workDir: string;
  /** Files Baton writes itself (relative path and content); they take precedence. */
  batonFiles?: readonly { path: string; content: string }[];
}

/**
 * Commits the working tree as Baton; answers whether a commit was made. Like
 * `git add -A && git commit`, without letting the tree run anything: the files
 * are listed with the repository's ignore rules, read with lstat (symlinks are
 * committed as symlinks, never followed), hashed with `--no-filters` into a
 * fresh index, and the commit is made with commit-tree. Call it only when no
 * process of the model's is left (see Sandbox.stopAll).
 */
export async function commitAll(
  options: GitOptions,
  message: string,
  source: CommitSource = { workDir: options.root },
): Promise<boolean> {
  const entries = await listWorkTree(options, source.workDir);
  const baton = await Promise.all(
    (source.batonFiles ?? []).map(async (file) => ({
      file: file.path,
      sha: await hashContent(options, file.content),
    })),
  );
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  for (const { file, sha } of baton) byPath.set(file, { path: file, mode: '100644', sha });
  const tree = await writeTree(options, [...byPath.values()]);
  const head = await git(options, ['rev-parse', 'HEAD']);
  const merging = await gitSucceeds(options, ['rev-parse', '-q', '--verify', 'MERGE_HEAD']);
  const headTree = await git(options, ['rev-parse', 'HEAD^{tree}']);
  if (tree === headTree && !merging) return false;
  const parents = merging
    ? ['-p', head, '-p', await git(options, ['rev-parse', 'MERGE_HEAD'])]
    : ['-p', head];
  const commit = await git({ ...options, env: batonIdentity(options.env) }, [
    'commit-tree',
    tree,
    ...parents,
    '-m',
    message,
  ]);
  await git(options, ['update-ref', '-m', 'baton: commit', 'HEAD', commit, head]);
  if (merging) await git(options, ['merge', '--quit']);
  // The job's own index follows, so that later git commands see a clean state.
  await git(options, ['read-tree', 'HEAD']);
  return true;
}

/** Writes the entries as a tree, through an index of its own; answers the tree's id. */
async function writeTree(options: GitOptions, entries: readonly TreeEntry[]): Promise<string> {
  const index = path.join(options.root, '.git', 'baton-commit-index');
  const withIndex = { ...options, extraEnv: { ...options.extraEnv, GIT_INDEX_FILE: index } };
  await git(withIndex, ['read-tree', '--empty']);
  const lines = entries.map((entry) => `${entry.mode} ${entry.sha}\t${entry.path}\0`).join('');
  if (lines) await gitRaw(withIndex, ['update-index', '-z', '--index-info'], lines);
  const tree = await git(withIndex, ['write-tree']);
  await git(options, ['rev-parse', '--verify', `${tree}^{tree}`]);
  await rm(index, { force: true });
  return tree;
}

/** Hashes content given on stdin (a symlink's target) into the repository. */
export async function hashContent(options: GitOptions, content: string): Promise<string> {
  return (await gitRaw(options, ['hash-object', '-w', '--no-filters', '--stdin'], content)).trim();
}

/** Hashes files named by absolute path, as stored (no filters); answers their ids in order. */
export async function hashPaths(options: GitOptions, files: readonly string[]): Promise<string[]> {
  if (files.length === 0) return [];
  const out = await gitRaw(
    options,
    ['hash-object', '-w', '--no-filters', '--stdin-paths'],
    `${files.join('\n')}\n`,
  );
  return out.trim().split('\n');
}

/** The environment with Baton as author and committer, unless the environment already names someone. */
export function batonIdentity(env: Record<string, string>): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: BATON_AUTHOR.name,
    GIT_AUTHOR_EMAIL: BATON_AUTHOR.email,
    GIT_COMMITTER_NAME: BATON_AUTHOR.name,
    GIT_COMMITTER_EMAIL: BATON_AUTHOR.email,
    ...env,
  };
}
