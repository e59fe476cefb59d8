import type { FakeGitHub } from '../sim/github/fake-github.js';
import { createStatusPacer, STATUS_EDIT_SECONDS } from '../src/github/act/status-pacer.js';
import { createWriteBudget } from '../src/github/client/pacing/write-budget.js';
import { type AppHarness, startApp } from '../test/support/app-harness.js';
import { type ManualTimers, manualTimers } from '../test/support/manual-timers.js';
import { isWrite } from './scale-breakdown.js';

/** The app of a paced bench build, the timers its pacing runs on, and how to stop all of it. */
export interface PacedApp {
  app: AppHarness;
  time: ManualTimers;
  stop(): void;
}

/**
 * The real app on the simulated GitHub, paced as in production: the status
 * comment edited once per build every `STATUS_EDIT_SECONDS` (a trailing edit
 * after), and the installation's write budget on, both on `time`, which the
 * bench moves itself. The app tests' client does not pace, so the app's writes
 * are counted as the simulated GitHub answers them.
 */
export async function startPacedApp(
  gh: FakeGitHub,
  now: () => string,
  /** What else the app is started with: the hearers of its reconciles, the page's board (bench/audit.ts). */
  extra: Pick<Parameters<typeof startApp>[0], 'telemetry' | 'board'> = {},
): Promise<PacedApp> {
  const time = manualTimers();
  const statusPacer = createStatusPacer({
    intervalMs: STATUS_EDIT_SECONDS * 1000,
    clock: time.now,
    setTimer: time.setTimer,
  });
  const writeBudget = createWriteBudget({ clock: time.now, setTimer: time.setTimer });
  const handle = gh.handle.bind(gh);
  gh.handle = (request) => {
    const response = handle(request);
    const entry = gh.log.at(-1);
    if (entry && isWrite(entry) && !entry.route.includes('/access_tokens')) writeBudget.note();
    return response;
  };
  const app = await startApp({ gh, now, statusPacer, writeBudget, ...extra });
  return {
    app,
    time,
    stop() {
      statusPacer.stop();
      writeBudget.stop();
      app.stop();
    },
  };
}
