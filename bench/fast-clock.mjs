/**
 * A faster clock for the scale bench (bench/scale.ts), and for nothing else:
 * never shipped, never used by a test of behaviour. Preloaded with
 * `node --import ./bench/fast-clock.mjs …` into BOTH the app process and the
 * bench's simulator process, it makes time run `FAST_CLOCK_K` times faster:
 *
 * - `Date.now()`, `new Date()` and `performance.now()` read
 *   `FAST_CLOCK_EPOCH + (real now − FAST_CLOCK_EPOCH) × K`: both processes are
 *   given the same epoch, so their clocks agree to the millisecond;
 * - `setTimeout`, `setInterval` (global, `node:timers` and
 *   `node:timers/promises`) fire after `ms ÷ K` real milliseconds.
 *
 * So GitHub's write spacing (1 s), the status edit pacing (5 s), the write
 * budget's windows (a minute, an hour), the resync (10 minutes) and the
 * scripted sessions' durations (minutes) all pass K times faster, while the
 * app runs its production code unchanged. CPU seconds stay real. Real
 * processing time is stretched by K when read on this clock (a reconcile
 * that takes 20 real ms reads 20 × K ms): the bench reports times on this
 * clock ("simulated") and says where that inflates a figure.
 *
 * Node's own internals (HTTP server timeouts, AbortSignal.timeout) keep real
 * time; fetch's own timers (undici, which reads the global setTimeout) run
 * faster too, so its idle sockets close K times sooner.
 */
import { syncBuiltinESMExports } from 'node:module';
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';
import { promisify } from 'node:util';

const K = Number(process.env.FAST_CLOCK_K);
const EPOCH = Number(process.env.FAST_CLOCK_EPOCH);
if (!(K >= 1) || !Number.isFinite(EPOCH)) {
  throw new Error(
    'bench/fast-clock.mjs needs FAST_CLOCK_K (a factor, 1 or more) and FAST_CLOCK_EPOCH (ms since 1970, the same for every process of the run)',
  );
}

const RealDate = Date;
const realPerformanceNow = performance.now.bind(performance);
const origin = performance.timeOrigin;
/** Real milliseconds since 1970, with performance.now's resolution. */
const realNow = () => origin + realPerformanceNow();
const fastNow = () => Math.floor(EPOCH + (realNow() - EPOCH) * K);

globalThis.Date = new Proxy(RealDate, {
  construct(target, args, newTarget) {
    return Reflect.construct(target, args.length === 0 ? [fastNow()] : args, newTarget);
  },
  apply() {
    return new RealDate(fastNow()).toString();
  },
  get(target, property, receiver) {
    if (property === 'now') return fastNow;
    return Reflect.get(target, property, receiver);
  },
});
performance.now = () => realPerformanceNow() * K;

const scale = (ms) => Math.max(0, Number(ms) || 0) / K;
const { setTimeout: realSetTimeout, setInterval: realSetInterval } = timers;
const { setTimeout: realSleep, setInterval: realEvery } = timersPromises;

function fastSetTimeout(run, ms, ...args) {
  return realSetTimeout(run, scale(ms), ...args);
}
fastSetTimeout[promisify.custom] = (ms, value, options) => realSleep(scale(ms), value, options);
function fastSetInterval(run, ms, ...args) {
  return realSetInterval(run, scale(ms), ...args);
}

globalThis.setTimeout = fastSetTimeout;
globalThis.setInterval = fastSetInterval;
timers.setTimeout = fastSetTimeout;
timers.setInterval = fastSetInterval;
timersPromises.setTimeout = (ms, value, options) => realSleep(scale(ms), value, options);
timersPromises.setInterval = (ms, value, options) => realEvery(scale(ms), value, options);
syncBuiltinESMExports();
