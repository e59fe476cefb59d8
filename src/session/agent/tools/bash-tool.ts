import { z } from 'zod';
import { programPath } from '../../programs.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { type AgentTool, toolError, toolOk } from './agent-tool.js';
import { createOutputCollector } from './cap-output.js';

/** Where and how long commands run, and what they may print. */
export interface BashToolOptions {
  /** Where commands run: the session's sandbox (its copy of the checkout is their working directory). */
  sandbox: Pick<Sandbox, 'spawn'>;
  /** Already scrubbed of credentials (see scrubEnv): the whole environment of a command. */
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputChars: number;
  /** Milliseconds left in the session: no command outlives the session's deadline. */
  remainingMs?: () => number;
}

/**
 * Past a command's time limit the session ends its run from outside; the run
 * ends itself this much later (its pid 1's timer), should the session not.
 */
const BACKSTOP_MS = 5_000;

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
 * fresh `bash -c` at the root of the session's copy, in a run of the sandbox of
 * its own, so that nothing it started outlives it. A fresh shell per command
 * keeps one command's leftovers (a hung job, an exported variable) from leaking
 * into the next.
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

/**
 * Runs one command in the sandbox with stdout and stderr interleaved, capped
 * and timed. It answers only once nothing the command started is left
 * running: Baton may then read the tree.
 */
export function runBashCommand({
  command,
  sandbox,
  env,
  timeoutMs,
  maxOutputChars,
}: BashToolOptions & { command: string }): Promise<BashRun> {
  return new Promise((resolve) => {
    const collector = createOutputCollector(maxOutputChars);
    const run = sandbox.spawn({
      argv: [programPath('bash'), '-c', command],
      env,
      timeoutMs: timeoutMs + BACKSTOP_MS,
    });
    const { child } = run;
    let timedOut = false;
    let exitCode: number | null = null;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const result = () => ({ output: collector.text(), exitCode, timedOut });
      run.stop().then(
        () => resolve(result()),
        (error: unknown) =>
          resolve({
            ...result(),
            output: `${collector.text()}\n\n[${String(error)}]`,
            exitCode: null,
          }),
      );
    };
    const timer = setTimeout(() => {
      timedOut = true;
      finish();
    }, timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => collector.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => collector.push(chunk));
    child.on('error', (error) => {
      collector.push(`could not start bash: ${error.message}`);
      finish();
    });
    child.on('exit', (code) => {
      exitCode = code;
      // Outside a sandbox, background children may hold the pipes open; do not wait for them long.
      setTimeout(finish, DRAIN_MS).unref();
    });
    child.on('close', finish);
  });
}
