import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Who Baton's commits are by, unless the environment already says. */
export const BATON_AUTHOR = { name: 'Baton', email: 'baton@users.noreply.github.com' };

/**
 * Settings for every git command Baton runs: no hooks and no signing, because
 * the model may have written hooks into the checkout, and a session cannot sign.
 */
const SAFE_CONFIG = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'core.fsmonitor=false',
];

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
  root: string;
  /** Scrubbed (see scrubEnv): the model may have planted filters that run inside git. */
  env: Record<string, string>;
}

/** Runs git in the workspace and answers its trimmed stdout. */
export async function git({ root, env }: GitOptions, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('git', [...SAFE_CONFIG, ...args], {
      cwd: root,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new GitError(args, stderr, { cause: error });
  }
}

/** Whether git succeeds: for questions git answers with its exit code. */
export async function gitSucceeds(options: GitOptions, args: readonly string[]): Promise<boolean> {
  return git(options, args).then(
    () => true,
    () => false,
  );
}

/** Stages everything and commits it as Baton; answers whether a commit was made. */
export async function commitAll(options: GitOptions, message: string): Promise<boolean> {
  await git(options, ['add', '-A']);
  const staged = !(await gitSucceeds(options, ['diff', '--cached', '--quiet']));
  const merging = await gitSucceeds(options, ['rev-parse', '-q', '--verify', 'MERGE_HEAD']);
  if (!staged && !merging) return false;
  await git({ ...options, env: batonIdentity(options.env) }, [
    'commit',
    '--no-verify',
    '--allow-empty',
    '-m',
    message,
  ]);
  return true;
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
