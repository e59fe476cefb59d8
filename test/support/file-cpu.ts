import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';
import { cpuTicksOf } from './proc-stat.js';

/**
 * Each test file's CPU-seconds, where `BATON_TEST_CPU_LOG` names a file (`.ci/run` sets it), a
 * line a file: its path, then its worker's own CPU-seconds and those of the processes the worker
 * started and waited for (the app, the sessions and what they started), from the file's first
 * module to its last hook (a setup file's `afterAll` runs after the file's own). CI's summary
 * ranks the files by it: a whole build that waits minutes on the wall may cost seconds of CPU.
 * Linux's `/proc/self/stat` only: elsewhere nothing is written.
 */
const log = process.env.BATON_TEST_CPU_LOG;
const start = log ? ticks() : null;

afterAll(() => {
  const end = start ? ticks() : null;
  if (!log || !start || !end) return;
  const seconds = (count: number) => (count / 100).toFixed(2);
  appendFileSync(
    log,
    `${expect.getState().testPath}\t${seconds(end.own - start.own)}\t${seconds(end.waited - start.waited)}\n`,
  );
});

function ticks(): ReturnType<typeof cpuTicksOf> {
  try {
    return cpuTicksOf(readFileSync('/proc/self/stat', 'utf8'));
  } catch {
    return null;
  }
}
