import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe } from 'vitest';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { completionPath } from '../../src/core/vocabulary/ids.js';
import type { RunAgentOptions } from '../../src/session/agent/run-agent.js';
import type { SessionResult } from '../../src/session/result.js';
import {
  BUILD,
  completes,
  gitIn,
  makeTempDir,
  removeTempDirs,
  runSession,
  toolResultsSeen,
  workerCheckout,
  workerRepo,
} from '../session/agent-fixtures.js';

/**
 * The sandbox needs root, or sudo (as on GitHub's runners), and a real second
 * user: CI runs as root and `.ci/run` installs sudo, bubblewrap and the rest
 * (a test then fails, never skips, when one is missing); a developer's
 * machine usually is not root.
 */
export const NOT_ROOT = process.getuid?.() !== 0 || spawnSync('sudo', ['-n', 'true']).status !== 0;
export const NOT_ROOT_REASON =
  'needs root and sudo to open the sandbox as a throwaway user (CI runs as root; .ci/run installs sudo and bubblewrap)';

/** Tests that need a real second user: skipped where they cannot run, saying why. */
export function describeAsRoot(title: string, body: () => void): void {
  describe.skipIf(NOT_ROOT)(`${title} (${NOT_ROOT_REASON})`, body);
}

/**
 * A throwaway user's name, unique per test file; the session creates it (the
 * first run) or finds it (every later run, like a persistent runner).
 */
export function throwawayUser(tag: string): string {
  return `baton-t${tag}-${process.pid}`.slice(0, 31);
}

/**
 * The set-up of a confinement test file: its throwaway user (`throwawayUser`), removed after
 * its tests, and each test's temporary folders removed after it. Answers the user's name.
 */
export function useThrowawayUser(tag: string): string {
  const user = throwawayUser(tag);
  afterEach(removeTempDirs);
  afterAll(() => removeUser(user));
  return user;
}

/** Ends the user's processes and removes it. */
export function removeUser(user: string): void {
  spawnSync('pkill', ['-KILL', '-u', user]);
  spawnSync('userdel', [user]);
  spawnSync('groupdel', [user]);
}

/** A root-only folder: what the job's user writes there, the tools user cannot fake. */
export async function rootOnlyDir(): Promise<string> {
  const dir = await makeTempDir('baton-root-only-');
  await chmod(dir, 0o700);
  return dir;
}

/** Where a command run as root would leave proof: `name` in a fresh folder only root may write. */
export async function rootOnlyMarker(name = 'ran'): Promise<string> {
  return path.join(await rootOnlyDir(), name);
}

/** Whether the folder holds nothing. */
export async function isEmpty(dir: string): Promise<boolean> {
  return (await readdir(dir)).length === 0;
}

/** The outcome of a confined work session whose model ran `commands` through bash. */
export interface ConfinedRun {
  root: string;
  base: string;
  result: SessionResult;
  /** Every tool result the model saw, joined. */
  seen: string;
}

/**
 * Plays a work session as the agent job would run it: a checkout readable by
 * all (as actions/checkout leaves it: directories 755, files 644), the model
 * key in the job's environment, BATON_TOOL_USER set; the scripted model runs
 * each command through the bash tool, then submits.
 */
export async function confinedSession({
  user,
  commands,
  files = {},
  prepare,
  sessionPath,
  egressHosts,
  limits,
  defaultBranch,
}: {
  /** The tools user; none: the commands run unconfined (what the planted-programs test needs). */
  user: string | undefined;
  /** A bash command, or an input of the text editor. */
  commands: readonly (string | Record<string, unknown>)[];
  files?: Record<string, string>;
  /** Runs on the checkout before the session (as the job's user). */
  prepare?: (root: string) => Promise<void> | void;
  /** The session step's PATH, as a setup step may have left it ($GITHUB_PATH); the test's own commands keep theirs. */
  sessionPath?: string;
  /** Fixed addresses for names the session's egress proxy would resolve. */
  egressHosts?: Record<string, string>;
  /** The session's limits (a short command timeout). */
  limits?: RunAgentOptions['limits'];
  /**
   * The default branch's files: the session then runs as in Actions (`workerCheckout`), on a
   * worker branch that adds `files` to them, steered by the default branch. None: a checkout
   * of the worker branch alone, which steers itself (local runs).
   */
  defaultBranch?: Record<string, string>;
}): Promise<ConfinedRun> {
  const { root, base, eventPath } = defaultBranch
    ? await workerCheckout({ defaultFiles: defaultBranch, files })
    : {
        ...(await workerRepo({ files: { 'README.md': '# demo\n', ...files } })),
        eventPath: undefined,
      };
  await prepare?.(root);
  execFileSync('chmod', ['-R', 'a+rX,go-w', '--', root]);
  const testPath = process.env.PATH;
  if (sessionPath !== undefined) process.env.PATH = sessionPath;
  try {
    const { result, requests } = await runSession({
      root,
      env: { BATON_WORKER: 'W1.1', BATON_TOOL_USER: user, GITHUB_EVENT_PATH: eventPath },
      replies: [
        ...commands.map((command) =>
          reply(
            typeof command === 'string'
              ? toolUse('bash', { command })
              : toolUse('str_replace_based_edit_tool', command),
          ),
        ),
        completes({ artifacts: [], decisions: [] }),
      ],
      options: {
        ...(egressHosts ? { egressHosts } : {}),
        ...(limits ? { limits } : {}),
      },
    });
    return { root, base, result, seen: toolResultsSeen(requests) };
  } finally {
    process.env.PATH = testPath;
  }
}

/** The path of the session's completion, which Baton commits itself. */
export const COMPLETION = completionPath(BUILD, 'W1.1');

/** A folder that everyone may enter and read. */
export async function publicDir(): Promise<string> {
  const dir = await makeTempDir('baton-public-');
  await chmod(dir, 0o755);
  return dir;
}

export { gitIn };
