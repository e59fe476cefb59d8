import { readFileSync } from 'node:fs';
import type { AppProcess } from '../sim/start-app.js';

/** The resident memory of a process, MiB (Linux's /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/**
 * The app's heap after a garbage collection, and V8's compiled machine code in
 * it, MiB: it prints both when sent SIGUSR2 (bench/heap-probe.mjs). `k`: how
 * much faster than real time the app's clock runs (bench/fast-clock.mjs), so
 * each wait between looks is 10 real milliseconds.
 */
export async function heapOf(app: AppProcess, k = 1): Promise<{ heap: number; code: number }> {
  const printed = () =>
    app
      .output()
      .split('\n')
      .filter((line) => line.includes('"benchMemory"'));
  const before = printed().length;
  process.kill(app.pid, 'SIGUSR2');
  for (let tries = 0; tries < 500; tries++) {
    const line = printed()[before];
    if (line) {
      const { heapUsed, codeUsed } = (
        JSON.parse(line) as { benchMemory: { heapUsed: number; codeUsed: number } }
      ).benchMemory;
      return { heap: heapUsed / 2 ** 20, code: codeUsed / 2 ** 20 };
    }
    await new Promise((resolve) => setTimeout(resolve, 10 * k));
  }
  return { heap: Number.NaN, code: Number.NaN };
}
