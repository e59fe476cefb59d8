import { spawn } from 'node:child_process';
import { z } from 'zod';
import { programPath } from '../../programs.js';
import { type AgentTool, toolError, toolOk } from './agent-tool.js';
import { createOutputCollector } from './cap-output.js';

/** Where and how long commands run, and what they may print. */
export interface BashToolOptions {
  /** The workspace; every command starts there. */
  root: string;
  /** Already scrubbed of credentials (see scrubEnv). */
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputChars: number;
  /** Milliseconds left in the session: no command outlives the session's deadline. */
  remainingMs?: () => number;
  /**
   * Run every command as this user (through `sudo -n -u`), not as the job's
   * own: a process of another user cannot read `/proc/<pid>/environ` of the
   * processes that still hold the job's credentials. The session makes the
   * user and its copy of the checkout (see sandbox.ts).
   */
  runAs?: string | undefined;
  /** The HOME of that user's commands: a fresh one per session. */
  home?: string | undefined;
  /**
   * Ends every process of that user and waits until none is left; a command
   * answers only after it, so nothing of the model's runs while Baton reads
   * the tree or writes.
   */
  stopAll?: (() => Promise<void>) | undefined;
}

/**
 * The program and arguments that run one command. As another user the
 * environment is passed explicitly (sudo resets it), files are left writable
 * for the job's own user (umask 000), and `timeout` enforces the limit on that
 * user's side, where this process may not send signals. Every program is
 * named by its absolute path in the system's directories (programs.ts).
 */
export function bashCommandLine({
  command,
  env,
  runAs,
  home,
  timeoutMs,
}: {
  command: string;
  env: Record<string, string>;
  runAs?: string | undefined;
  home?: string | undefined;
  timeoutMs: number;
}): { file: string; args: string[] } {
  if (!runAs) return { file: programPath('bash'), args: ['-c', command] };
  const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  // That user's own home and name, not the job's (where it may not write).
  const own = { ...env, HOME: home ?? `/home/${runAs}`, USER: runAs, LOGNAME: runAs };
  const assignments = Object.entries(own).map(([name, value]) => `${name}=${value}`);
  return {
    file: programPath('sudo'),
    args: [
      '-n',
      '-u',
      runAs,
      '--',
      programPath('env'),
      '-i',
      ...assignments,
      programPath('timeout'),
      '-s',
      'KILL',
      seconds,
      programPath('bash'),
      '-c',
      `umask 000\n${command}`,
    ],
  };
}

const BashInput = z.object({
  command: z.string().optional(),
  restart: z.boolean().optional(),
});

/** How one command ended. */
export interface BashRun {
  output: string;
  exitCode: number | null;
  timedOut: boolean;
}

/** After the shell exits, how long its leftover children may keep the output open. */
const DRAIN_MS = 500;

/**
 * Anthropic's bash tool (`bash_20250124`), executed here. Each command runs in a
 * fresh `bash -c` at the workspace root, in its own process group so that a
 * timeout kills everything it started. A fresh shell per command keeps one
 * command's leftovers (a hung job, an exported variable) from leaking into the next.
 */
export function createBashTool(options: BashToolOptions): AgentTool {
  return {
    definition: { type: 'bash_20250124', name: 'bash' },
    async run(input) {
      const parsed = BashInput.safeParse(input);
      if (!parsed.success) return toolError('bash takes {"command": "<shell command>"}');
      if (parsed.data.restart)
        return toolOk('The shell was restarted (each command runs in a fresh shell anyway).');
      const command = parsed.data.command;
      if (!command?.trim()) return toolError('Give a command to run.');
      const remaining = options.remainingMs?.() ?? options.timeoutMs;
      const timeoutMs = Math.min(options.timeoutMs, Math.max(1_000, remaining));
      const run = await runBashCommand({ ...options, command, timeoutMs });
      return renderRun(run, timeoutMs);
    },
  };
}

function renderRun(run: BashRun, timeoutMs: number) {
  const output = run.output || '(no output)';
  if (run.timedOut) {
    return toolError(
      `${output}\n\n[killed after ${Math.round(timeoutMs / 1000)} s; run long jobs in smaller steps]`,
    );
  }
  return toolOk(run.exitCode === 0 ? output : `${output}\n\n[exit code ${run.exitCode ?? 'none'}]`);
}

/** Runs one command with stdout and stderr interleaved, capped and timed. */
export function runBashCommand({
  command,
  root,
  env,
  timeoutMs,
  maxOutputChars,
  runAs,
  home,
  stopAll,
}: BashToolOptions & { command: string }): Promise<BashRun> {
  return new Promise((resolve) => {
    const collector = createOutputCollector(maxOutputChars);
    const { file, args } = bashCommandLine({ command, env, runAs, home, timeoutMs });
    const child = spawn(file, args, {
      cwd: root,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let exitCode: number | null = null;
    let settled = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup();
      const result = { output: collector.text(), exitCode, timedOut };
      // Processes of the tools' user are out of this process's reach: they are ended as that user.
      if (!stopAll) return resolve(result);
      stopAll().then(
        () => resolve(result),
        (error: unknown) =>
          resolve({ ...result, output: `${result.output}\n\n[${String(error)}]`, exitCode: null }),
      );
    };
    const timer = setTimeout(() => {
      timedOut = true;
      finish();
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => collector.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => collector.push(chunk));
    child.on('error', (error) => {
      collector.push(`could not start bash: ${error.message}`);
      finish();
    });
    child.on('exit', (code) => {
      exitCode = code;
      // Background children may hold the pipes open; do not wait for them long.
      setTimeout(finish, DRAIN_MS).unref();
    });
    child.on('close', finish);
  });
}
