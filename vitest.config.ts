import * as nodeModule from 'node:module';
import { availableParallelism } from 'node:os';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { wallCeiling } from './sim/machine-time.js';
import { LongestFirst } from './test/sequencer.js';
import { ALONE, globOf, namedElsewhere, SHARED, TIERS, type Tier } from './test/tiers.js';

/**
 * The fast tier's workers load the sources as Node does, with their types
 * stripped (test/support/native-typescript.ts), not through Vite's module
 * runner, which transforms every module in the main process and evaluates it
 * in each worker through its own loader: on two cores the tier took 139
 * CPU-seconds so, and the app's modules were loaded again in each of four
 * workers. A Node that cannot strip types (before 22.18) keeps Vite's runner.
 */
const nativeTypeScript =
  Boolean((process.features as { typescript?: unknown }).typescript) &&
  'registerHooks' in nodeModule;

/** The options that make a tier's projects run as the fast tier's do, or as the others'. */
function tierRun(tier: Tier): Partial<TestProjectInlineConfiguration['test']> {
  if (tier === 'builds')
    return {
      sequence: { groupOrder: 1 },
      // The whole builds wait in the machine's time (sim/machine-time.ts): unless a file says
      // (`buildCeiling` of sim/e2e.ts), a simulation's start and one step (180 s each),
      // stretched as far as the load stretches them, on the wall.
      testTimeout: wallCeiling(2 * 180_000),
      hookTimeout: wallCeiling(2 * 180_000),
    };
  if (tier !== 'fast') return { sequence: { groupOrder: 1 } };
  return {
    // Its files start no process, but some wait on the app's own timers (a lost answer's second
    // look, two seconds on: test/github/lost-answers.test.ts waits 20 s so), so two workers a
    // core, each loading the app once. `npm test` on two cores, quiet (2026-11-30): a worker a
    // core 61.9 s and 62 CPU-seconds; two a core 42.4 and 43.7 s, 70.6 and 73.2 CPU-seconds.
    maxWorkers: 2 * availableParallelism(),
    // Before the others, which run more files at once than there are cores (`maxWorkers` below).
    sequence: { groupOrder: 0 },
    ...(nativeTypeScript
      ? {
          experimental: { viteModuleRunner: false, nodeLoader: false },
          execArgv: ['--import', './test/support/native-typescript.ts'],
        }
      : {}),
  };
}

const within = (entry: string, folders: readonly string[]) =>
  folders.some((folder) => entry === folder || entry.startsWith(`${folder}/`));

/**
 * Each tier of test/tiers.ts as projects named after it (`vitest run --project
 * 'fast*'`): its files that share their worker's modules, those that run
 * isolated, and those that run alone. The fast tier's files start no process.
 */
function tierProjects(tier: Tier): TestProjectInlineConfiguration[] {
  const entries: readonly string[] = TIERS[tier];
  const shared = entries.filter((entry) => within(entry, SHARED));
  const isolated = entries.filter((entry) => !within(entry, SHARED));
  const alone = ALONE.filter((file) => within(file, entries));
  // Every file's CPU-seconds, where CI asks (test/support/file-cpu.ts); the fast tier's files start no process.
  const setup = [
    'test/support/file-cpu.ts',
    ...(tier === 'fast' ? ['test/support/no-process.ts'] : []),
  ];
  const exclude = ['**/node_modules/**', ...namedElsewhere(tier)];
  const projects: TestProjectInlineConfiguration[] = [];
  if (shared.length > 0) {
    projects.push({
      extends: true,
      test: {
        name: tier,
        include: shared.map(globOf),
        exclude: [...exclude, ...alone],
        isolate: false,
        ...tierRun(tier),
        setupFiles: ['test/support/forget-each-test.ts', ...setup],
      },
    });
  }
  if (isolated.length > 0) {
    projects.push({
      extends: true,
      test: {
        name: `${tier}-isolated`,
        include: isolated.map(globOf),
        exclude,
        ...tierRun(tier),
        setupFiles: setup,
      },
    });
  }
  if (alone.length > 0) {
    projects.push({
      extends: true,
      test: { name: `${tier}-alone`, include: [...alone], ...tierRun(tier), setupFiles: setup },
    });
  }
  return projects;
}

export default defineConfig({
  test: {
    // Tests start their own servers on 127.0.0.1; none may reach the internet.
    // The limits stop a test that hangs; none is a measure. Tests that start
    // real processes (sandboxes, git servers, sessions) run several times
    // slower on two cores beside other work (an egress harness 8 s alone,
    // over 20 s beside a CPU-heavy process; an engine's session past a minute
    // beside the whole suite and two more), and none waits on time.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // `expect.poll` waits for what it polls for: vitest's own second is a time
    // a busy machine outlasts before a proxy has even been sent its request.
    expect: { poll: { timeout: 60_000 } },
    // The whole builds spend a third of their time waiting on their sessions'
    // processes, so a file a core and never fewer than four (four on two
    // cores, where vitest's default would be one). On two cores a whole
    // `.ci/run`'s first pass took 981 s and 966 s with three, 925 s and 991 s
    // with four: the machine's CPU, not the number of files at once, bounds it.
    // At 7eb82b7 the whole suite took 1,391 s with four and 1,380 s with six.
    maxWorkers: Math.max(4, availableParallelism()),
    // The longest measured first (test/sequencer.ts): vitest's own order on a fresh clone is by
    // file size, which left the longest whole build to start late and end the run alone.
    sequence: { sequencer: LongestFirst },
    projects: (Object.keys(TIERS) as Tier[]).flatMap(tierProjects),
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
    },
  },
});
