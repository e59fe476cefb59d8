import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { programPath, SYSTEM_PATH } from '../programs.js';

/** A git command that failed where failing means infrastructure, not a refusal. */
export class GitError extends Error {
  constructor(args: string[], stderr: string) {
    super(`git ${args[0] ?? ''} failed: ${stderr.trim() || 'no output'}`);
    this.name = 'GitError';
  }
}

/** What a git command printed, and its exit code. */
export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for content that may not be UTF-8 (a blob). */
  bytes?: Buffer;
}

/** One git command in the scratch repository. */
export interface GitCall {
  args: string[];
  /** Written to the command's stdin. */
  input?: string;
  /** The installation token, for commands that talk to the remote. */
  token?: string;
}

/** The scratch repository with the remote it fetches from and pushes to, and the token for it. */
export interface RemoteAccess {
  repo: ScratchRepo;
  remote: string;
  token: string;
}

/** A bare repository of publish's own, away from the checked-out workspace. */
export interface ScratchRepo {
  gitDir: string;
  /** Runs git; a non-zero exit is a value, not an exception. */
  run(call: GitCall): Promise<GitOutput>;
  /** Runs git and returns stdout; a non-zero exit throws GitError. */
  must(call: GitCall): Promise<string>;
  /**
   * The object `ref` (a full name, `refs/baton/head`) points at, or null where
   * there is no such ref. Every ref is read by one git and kept until a git
   * that may move a ref runs in this repository (`readsOnly`).
   */
  readRef(ref: string): Promise<string | null>;
  /** Deletes the repository. */
  dispose(): Promise<void>;
}

/**
 * The token reaches git only through the environment (GIT_CONFIG_COUNT/KEY/VALUE),
 * as an `http.extraheader`: never in a URL, an argument or a config file, so
 * it shows up in no process listing, no `.git/config` and no error message.
 */
export function gitAuthEnv(token: string): Record<string, string> {
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraheader',
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}

/**
 * Creates the scratch repository. When the workspace holds a checkout, its
 * objects are borrowed (alternates), so the base need not be downloaded twice.
 */
export async function createScratchRepo(workspace: string | undefined): Promise<ScratchRepo> {
  const gitDir = await mkdtemp(join(tmpdir(), 'baton-publish-'));
  const repo = makeRepo(gitDir);
  await repo.must({ args: ['init', '--bare', '--quiet', gitDir] });
  const objects = workspace ? join(workspace, '.git', 'objects') : null;
  if (objects && existsSync(objects)) {
    await writeFile(join(gitDir, 'objects', 'info', 'alternates'), `${objects}\n`);
  }
  return repo;
}

function makeRepo(gitDir: string): ScratchRepo {
  let refs: Promise<Map<string, string>> | null = null;
  const run = async (call: GitCall) => {
    if (readsOnly(call.args)) return runGit(gitDir, call);
    // Dropped before and after: a read started while this git ran may have seen either side.
    refs = null;
    try {
      return await runGit(gitDir, call);
    } finally {
      refs = null;
    }
  };
  const must = async (call: GitCall) => {
    const output = await run(call);
    if (output.code !== 0) throw new GitError(call.args, output.stderr);
    return output.stdout;
  };
  const readRefs = async () => {
    const listed = await must({ args: ['for-each-ref', '--format=%(objectname) %(refname)'] });
    const read = new Map<string, string>();
    for (const line of listed.split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0) read.set(line.slice(space + 1), line.slice(0, space));
    }
    return read;
  };
  return {
    gitDir,
    run,
    must,
    async readRef(ref) {
      const reading = refs ?? readRefs();
      refs = reading;
      reading.catch(() => {
        if (refs === reading) refs = null;
      });
      return (await reading).get(ref) ?? null;
    },
    dispose: () => rm(gitDir, { recursive: true, force: true }),
  };
}

/**
 * The gits publish runs that never move a ref: any other (a fetch, `update-ref`,
 * one not listed) drops what `readRef` kept.
 */
const READ_ONLY = new Set([
  'cat-file',
  'diff',
  'for-each-ref',
  'log',
  'ls-remote',
  'ls-tree',
  'merge-base',
  'rev-list',
  'rev-parse',
  'show',
]);

function readsOnly(args: readonly string[]): boolean {
  const [command = '', sub = ''] = args;
  if (command === 'bundle') return sub === 'verify' || sub === 'list-heads';
  return READ_ONLY.has(command);
}

function runGit(gitDir: string, call: GitCall): Promise<GitOutput> {
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    PATH: SYSTEM_PATH,
    GIT_DIR: gitDir,
    GIT_TERMINAL_PROMPT: '0',
  };
  Object.assign(env, call.token ? gitAuthEnv(call.token) : { GIT_CONFIG_COUNT: '0' });
  return new Promise((resolve, reject) => {
    const stdin = call.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(programPath('git'), call.args, { env, stdio: [stdin, 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const bytes = Buffer.concat(stdout);
      resolve({
        code: code ?? 1,
        stdout: bytes.toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        bytes,
      });
    });
    // A git that exits before reading all of its input reports that itself.
    child.stdin?.on('error', () => {});
    child.stdin?.end(call.input);
  });
}

/** Variables that would point git at another repository or add config of their own. */
const REPO_VARIABLES =
  /^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|COMMON_DIR|NAMESPACE|CONFIG_PARAMETERS|CONFIG_COUNT|CONFIG_KEY_\d+|CONFIG_VALUE_\d+)$/;

/** The process environment minus those; proxy and TLS settings stay. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!REPO_VARIABLES.test(key)) env[key] = value;
  }
  return env;
}
