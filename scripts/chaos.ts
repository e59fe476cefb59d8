// `npm run chaos -- --runs 100 [--from 1] [--concurrency 2] [--replicas 2] [--model-ms 0] [--no-redis]`:
// plays the diamond build under seeded faults (sim/chaos/run-chaos.ts), once per seed,
// with that many app processes sharing one Redis (`--no-redis`: sharing nothing, each
// process with its own memory, as replicas run without `REDIS_URL`), and prints per seed the
// invariants that failed and its time ÷ the same build's without faults (the
// issue's bound: 1.2), then a summary line with the seeds past it. Exit code 1
// when any run violated an invariant, did not complete, or took over 1.2 times
// the fault-free build. `--model-ms` makes each model request take that long
// (a turn's length), so the build's sessions take time as real ones do.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChaosResult, runChaos } from '../sim/chaos/run-chaos.js';

function option(name: string, fallback: number, least = 1): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < least)
    throw new Error(`--${name} takes a whole number of at least ${least}`);
  return value;
}

const runs = option('runs', 10);
const from = option('from', 1);
const concurrency = option('concurrency', 2);
const replicas = option('replicas', 2);
const modelMs = option('model-ms', 0, 0);
const verbose = process.argv.includes('--verbose');
const store = process.argv.includes('--no-redis') ? 'memory' : 'redis';
/** How the replicas share what they must, for the lines printed. */
const sharing = replicas === 1 ? '' : store === 'redis' ? ' on one Redis' : ' without Redis';
// The demo's pace: a simulation only (never against GitHub); the app's log at info, so a seed
// that breaks an invariant leaves every reconcile and look of its replicas to read.
const appEnv = {
  BATON_WRITE_SPACING_MS: process.env.BATON_WRITE_SPACING_MS ?? '100',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};
/** Where a seed that broke an invariant leaves its diagnostics (the app's and the jobs' output). */
const kept = join(tmpdir(), 'baton-chaos');

/** A seed's build may take this many times the fault-free build's time. */
const SLOWEST = 1.2;

const seeds = Array.from({ length: runs }, (_, i) => from + i);
const results: ChaosResult[] = [];
const started = Date.now();

let faultFree = 0;

async function worker(): Promise<void> {
  for (let seed = seeds.shift(); seed !== undefined; seed = seeds.shift()) {
    const result = await runChaos({ seed, appEnv, replicas, modelMs, store }).catch(
      (error: unknown): ChaosResult => ({
        seed: seed as number,
        completed: false,
        violations: [`the run itself failed: ${String(error)}`],
        faults: {},
        seconds: 0,
        diagnostics: '',
      }),
    );
    results.push(result);
    const faults = Object.entries(result.faults)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    const verdict = result.violations.length === 0 ? 'ok' : result.violations.join('; ');
    const ratio = result.seconds / faultFree;
    console.log(
      `seed ${result.seed}: ${verdict} [${faults}] ${result.seconds}s = ${ratio.toFixed(2)} × fault-free${ratio > SLOWEST ? ` (over ${SLOWEST})` : ''}`,
    );
    if (result.violations.length > 0) {
      mkdirSync(kept, { recursive: true });
      const file = join(kept, `seed-${result.seed}-${replicas}-replicas.txt`);
      writeFileSync(file, result.diagnostics);
      console.log(`  its diagnostics: ${file}`);
      if (verbose) console.log(result.diagnostics.slice(-20_000));
    }
  }
}

// The same build without faults, once, at the same concurrency: what each seed's time is against.
const clean = await Promise.all(
  Array.from({ length: concurrency }, (_, i) =>
    runChaos({ seed: i + 1, appEnv, replicas, modelMs, store, faults: false }),
  ),
);
faultFree = Math.max(...clean.map((one) => one.seconds));
console.log(
  `fault-free: ${clean.map((one) => `${one.seconds}s`).join(', ')} (${replicas} replicas${sharing})`,
);
await Promise.all(Array.from({ length: concurrency }, () => worker()));
const violated = results.filter((r) => r.violations.length > 0);
const slow = results.filter((r) => r.seconds > SLOWEST * faultFree);
const completed = results.filter((r) => r.completed).length;
const total = (kind: string) => results.reduce((sum, r) => sum + (r.faults[kind] ?? 0), 0);
console.log(
  `${results.length} runs, ${completed} completed builds, ${violated.length} with violations` +
    ` (seeds ${violated.map((r) => r.seed).join(', ') || 'none'});` +
    ` faults served: ${total('bad-gateway')} 502s, ${total('rate-limit')} rate limits,` +
    ` ${total('reset')} resets, ${total('model-529')} model 529s, ${total('lost-webhook')} webhooks lost, ${total('lease-stolen')} leases stolen;` +
    ` ${Math.round((Date.now() - started) / 1000)}s; slowest seed ${Math.max(...results.map((r) => r.seconds))}s` +
    ` against ${faultFree}s without faults (${replicas} replicas${sharing});` +
    ` ${slow.length} over ${SLOWEST} × fault-free (seeds ${slow.map((r) => r.seed).join(', ') || 'none'})`,
);
// The row bench/results.md keeps for this campaign (`npm run bench` does not run it).
const slowest = Math.max(...results.map((r) => r.seconds)) / faultFree;
console.log(
  `bench row: | Chaos runs (\`npm run chaos -- --runs ${runs} --replicas ${replicas}${store === 'memory' ? ' --no-redis' : ''}\`): the diamond under seeded faults, webhooks duplicated, shuffled, one in fifty the build caused lost, and delivered to each of ${replicas} app processes${sharing}; completed / with violations / slowest seed ÷ the fault-free build (${faultFree} s) / seeds over ${SLOWEST} | ${completed} of ${results.length} / ${violated.length} / ${slowest.toFixed(2)} / ${slow.length} | ${results.length} of ${results.length} / 0 / ≤ ${SLOWEST} / 0 | ${completed === results.length && violated.length === 0 && slow.length === 0 ? 'yes' : '**no**'} |`,
);
process.exitCode = violated.length > 0 || slow.length > 0 ? 1 : 0;
