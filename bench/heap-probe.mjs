/**
 * Bench only (bench/scale.ts), preloaded into the app process beside
 * bench/fast-clock.mjs: on SIGUSR2 the process collects its garbage and
 * prints its memory as one JSON line (`{"benchMemory": {…}}`) on stdout, so
 * the bench can read the app's heap, which /proc does not show, and how much
 * of it is V8's compiled machine code (its code spaces): code that grows as
 * more of the app's paths run hot, bounded by the program, where the rest is
 * what the app keeps. It changes nothing else the app does.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

process.on('SIGUSR2', () => {
  gc();
  const { rss, heapUsed, heapTotal } = process.memoryUsage();
  const codeUsed = v8
    .getHeapSpaceStatistics()
    .filter((space) => space.space_name.startsWith('code_'))
    .reduce((sum, space) => sum + space.space_used_size, 0);
  process.stdout.write(
    `${JSON.stringify({ benchMemory: { rss, heapUsed, heapTotal, codeUsed } })}\n`,
  );
});
