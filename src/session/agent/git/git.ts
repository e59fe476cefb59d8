import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { programPath, SYSTEM_PATH } from '../../programs.js';
import { readBlobs } from '../../publish/cat-file-batch.js';

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
 * The whole environment of every git command of Baton's: of the job's, only
 * its home, temp folder, time zone, locale, proxy, certificates and the commit
 * identity (never a `GIT_*` setting, `SSH_ASKPASS`, `LD_PRELOAD` or anything
 * else a step before the session set); no system or global config (a
 * machine's config is not Baton's to trust), no system attributes, no
 * prompts, the repository named explicitly so git never discovers a `.git` of
 * someone else's, and the system's PATH (never one a setup step extended),
 * for whatever git itself starts.
 */
export function safeGitEnv(env: Record<string, string>, root: string): Record<string, string> {
  const clean = Object.fromEntries(
    Object.entries(env).filter(([name]) => KEPT.has(name) || /^LC_[A-Z]+$/.test(name)),
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

/** What git takes of the job's environment (`LC_*` too); a fetch's proxy and certificates, as publish keeps them. */
const KEPT: ReadonlySet<string> = new Set([
  'HOME',
  'TMPDIR',
  'TZ',
  'LANG',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'CURL_CA_BUNDLE',
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

/** Runs git with `input` on stdin when given; answers its stdout as is. */
export async function gitRaw(
  options: GitOptions,
  args: readonly string[],
  input?: string,
): Promise<string> {
  if (input !== undefined) return (await gitBytes(options, args, input)).toString('utf8');
  const { root, env, extraEnv } = options;
  try {
    const { stdout } = await run(programPath('git'), [...SAFE_CONFIG, ...args], {
      cwd: root,
      env: { ...safeGitEnv(env, root), ...extraEnv },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    throw new GitError(args, (error as { stderr?: string }).stderr ?? String(error), {
      cause: error,
    });
  }
}

/** Runs git with `input` on stdin; answers its stdout as bytes (a blob need not be text). */
export function gitBytes(
  { root, env, extraEnv }: GitOptions,
  args: readonly string[],
  input: string,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(programPath('git'), [...SAFE_CONFIG, ...args], {
      cwd: root,
      env: { ...safeGitEnv(env, root), ...extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => reject(new GitError(args, String(error), { cause: error })));
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(stdout)) : reject(new GitError(args, stderr)),
    );
    // A git that exits before reading all of its input says so itself.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Each named blob of the repository (an id or `<rev>:<path>`), read by one git: null where absent. */
export function readBlobsIn(
  options: GitOptions,
  names: readonly string[],
): Promise<(Buffer | null)[]> {
  return readBlobs((input) => gitBytes(options, ['cat-file', '--batch'], input), names);
}

/** Whether git succeeds: for questions git answers with its exit code. */
export async function gitSucceeds(options: GitOptions, args: readonly string[]): Promise<boolean> {
  return git(options, args).then(
    () => true,
    () => false,
  );
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
