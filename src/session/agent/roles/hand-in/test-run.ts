import type { TestRun } from '../../../../core/records/completion.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { runBashCommand } from '../../tools/bash-tool.js';

/** Lines of a failing run's output kept for the completion, the PR and the review. */
const TAIL_LINES = 30;
const TAIL_CHARS = 3000;

/**
 * Runs the repository's test command in the session's copy, in the sandbox,
 * exactly as the model's own commands run: scrubbed environment, a run of its
 * own, a time limit, capped output. Answers `passed` or `failed` with the
 * output's tail once nothing the tests started is left running.
 */
export async function runTestCommand({
  sandbox,
  command,
  env,
  timeoutMs,
}: {
  sandbox: Sandbox;
  command: string;
  env: Record<string, string>;
  timeoutMs: number;
}): Promise<TestRun> {
  const run = await runBashCommand({
    command,
    sandbox,
    env: { ...env, ...sandbox.env },
    timeoutMs,
    maxOutputChars: 20_000,
  });
  if (run.exitCode === 0 && !run.timedOut) return { status: 'passed', command, detail: '' };
  const ending = run.timedOut
    ? `[killed after ${Math.round(timeoutMs / 1000)} s]`
    : `[exit code ${run.exitCode ?? 'none'}]`;
  return { status: 'failed', command, detail: tailOf(`${run.output}\n${ending}`) };
}

/** The last lines of an output, within TAIL_CHARS. */
export function tailOf(output: string): string {
  const lines = output.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
  return lines.length > TAIL_CHARS ? `…${lines.slice(-(TAIL_CHARS - 1))}` : lines;
}
