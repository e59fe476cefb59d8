import type { TestRun } from '../../../../core/records/completion.js';
import { code, quoteMaterial } from '../../../../core/vocabulary/markdown.js';
import { programPath } from '../../../programs.js';
import type { AgentContext } from '../../agent-context.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import type { TestCommand } from '../../test-command.js';
import type { CompletionSubmission } from './completion-submission.js';
import { runTestCommand } from './test-run.js';

/** Runs of the tests per session: the first, and two more after fixes. */
export const MAX_TEST_RUNS = 3;
/** Time a test run needs left in the session to start at all. */
const MIN_TEST_MS = 60_000;

/**
 * What stands between a work or fix session's `submit_completion` and Baton
 * taking it: the repository's tests, run in the sandbox. A `complete` report
 * whose tests fail is sent back with the failure's tail, up to MAX_TEST_RUNS
 * runs; then it is taken as it is, with the failure recorded for the pull
 * request and the review.
 */
export function createTestGate({
  ctx,
  sandbox,
  command,
}: {
  ctx: AgentContext;
  sandbox: Sandbox;
  /** Null: not a code build, no tests to run. */
  command: TestCommand | null;
}): { verify: (value: CompletionSubmission) => Promise<string | null>; last: () => TestRun } {
  let last: TestRun | null = null;
  let runs = 0;
  const notRun = (detail: string): TestRun => ({
    status: 'not-run',
    command: command && 'command' in command ? command.command : null,
    detail,
  });
  return {
    last: () =>
      last ?? notRun(command ? 'the session ended before handing in' : 'not a code build'),
    async verify(value) {
      if (!command) return null;
      if ('none' in command) {
        last = notRun(command.none);
        return null;
      }
      if (value.status !== 'complete') {
        last = notRun(`the session handed in ${value.status}`);
        return null;
      }
      const left = ctx.limits.deadline - ctx.now();
      if (left < MIN_TEST_MS) {
        last = notRun('too little time was left in the session (session.timeoutMinutes)');
        return null;
      }
      runs += 1;
      ctx.log(
        `running the tests before taking the report (${runs}/${MAX_TEST_RUNS}): ${command.command}`,
      );
      last = await runTestCommand({
        sandbox,
        command: command.command,
        // npm runs a script with `sh` found first in the checkout's node_modules/.bin: the system's instead.
        env: { ...ctx.toolEnv, npm_config_script_shell: programPath('sh') },
        timeoutMs: Math.min(ctx.limits.commandTimeoutMs, left - MIN_TEST_MS / 2),
      });
      ctx.log(`tests ${last.status}`);
      if (last.status === 'passed' || runs >= MAX_TEST_RUNS) return null;
      return [
        `Baton ran the repository's tests (${code(command.command)}) before taking your report, and they failed (run ${runs} of ${MAX_TEST_RUNS}). The end of the output:`,
        '',
        quoteMaterial(last.detail),
        '',
        'Fix the code so that the tests pass, then call submit_completion again. If you cannot make them pass, call submit_completion with status blocked or failed and say why in concerns; if a criterion cannot be met at all, with status impossible.',
      ].join('\n');
    },
  };
}
