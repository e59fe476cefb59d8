import {
  createLookSchedule,
  type MemoryLookSchedule,
} from '../../src/github/store/look-schedule.js';
import { type ManualTimers, manualTimers } from './manual-timers.js';

/** The looks at builds without an event (`LookSchedule`), on a clock only the test moves. */
export interface ManualLooks {
  schedule: MemoryLookSchedule;
  time: ManualTimers;
  /** Moves the clock to the soonest look and takes it; false when none is set. */
  next(): boolean;
}

export function manualLooks(): ManualLooks {
  const time = manualTimers();
  const schedule = createLookSchedule({ clock: time.now, setTimer: time.setTimer });
  return {
    schedule,
    time,
    next() {
      const soonest = schedule.pending()[0];
      if (!soonest) return false;
      time.advance(Math.max(0, soonest.at - time.now()));
      return true;
    },
  };
}

/**
 * The options of an app started before each test (`startAppEachTest`) whose looks wait on
 * a clock only the test moves: each test's `ManualLooks` is made afresh and handed to `use`.
 */
export function manualLooksEachTest(use: (looks: ManualLooks) => void): () => {
  looks: MemoryLookSchedule;
} {
  return () => {
    const looks = manualLooks();
    use(looks);
    return { looks: looks.schedule };
  };
}
