import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { HeldStatusEdits } from '../../src/github/act/held-status-edit.js';
import { BuildQueue } from '../../src/github/client/build-queue.js';
import type { HandlerDeps } from '../../src/github/reconcile/queue/handler-deps.js';
import type { AppHarness } from './app-harness.js';

/**
 * What a test's resync schedules with, as src/index.ts gives it: a queue whose
 * errors go to the app's, the test's clock and the simulator's bot, and `more`.
 */
export function resyncDeps(
  { app, gh, now }: { app: AppHarness; gh: FakeGitHub; now: () => string },
  more: Partial<HandlerDeps> = {},
): HandlerDeps {
  return {
    queue: new BuildQueue((error) => app.errors.push(error)),
    now,
    botLogin: async () => gh.botLogin,
    answers: new Map(),
    heldEdits: new HeldStatusEdits(),
    ...more,
  };
}
