/**
 * The tiers of Baton's tests (docs/development.md), named once: the config's
 * projects (vitest.config.ts), the npm scripts and CI's shards
 * (test/shards.json) all read them. A file a tier names leaves the folder
 * another tier names.
 *
 * - `fast` (`npm test`): the rules, the app against the simulated GitHub, its
 *   server, the conductor, the CLI, the simulator, the page and the house's
 *   bars. No process, no sandbox, no engine: `test/support/no-process.ts`
 *   makes every way of starting a process throw while its files run.
 * - `processes` (`npm run test:processes`): what starts a real process: the
 *   agent and publish in real git repositories, the sandbox and the model
 *   proxy and their attacks, the engines, the app's process, Redis, git, the
 *   CLI's bin, the production tree and the action's bundles.
 * - `builds` (`npm run test:builds`): whole builds, the app and its sessions
 *   as real processes over HTTP on the simulator.
 *
 * `npm run test:all` runs every tier, and `.ci/run` runs it.
 */
/** The rules, the app against the simulated GitHub, its server and CLI, the conductor, the simulator. */
const RULES_AND_APP = [
  'test/core',
  'test/github',
  'test/conductor',
  'test/app',
  'test/server',
  'test/cli',
  'test/doctor',
  'test/sim',
  'test/telemetry',
] as const;

export const TIERS = {
  fast: [
    ...RULES_AND_APP,
    'test/page',
    'test/house',
    'test/config-schema.test.ts',
    'test/templates.test.ts',
    'test/ci-workflow.test.ts',
    'test/demo-heartbeat.test.ts',
  ],
  processes: [
    'test/session',
    'test/attacks',
    'test/security',
    'test/deploy',
    'test/bench',
    'test/action-bundle.test.ts',
    'test/release-workflow.test.ts',
    'test/ci-summary.test.ts',
    'test/demo-args.test.ts',
    'test/docs-links.test.ts',
    'test/app/enterprise-server-process.test.ts',
    'test/app/health-process.test.ts',
    'test/app/replicas-redis.test.ts',
    'test/cli/check.test.ts',
    'test/cli/setup.test.ts',
    'test/doctor/store-check.test.ts',
    'test/github/checkout-state.test.ts',
    'test/github/redis-store.test.ts',
    'test/github/source-ref.test.ts',
    'test/github/store-from-env.test.ts',
    'test/github/write-trailers.test.ts',
    'test/telemetry/otlp-traces.test.ts',
  ],
  builds: ['test/e2e'],
} as const satisfies Record<string, readonly string[]>;

export type Tier = keyof typeof TIERS;

/**
 * Folders (and files) whose files share their worker's modules (`isolate:
 * false`): each of their files resets what it uses (the app harness clears
 * every cache it starts with; a session test's fixtures make their own
 * repositories, servers and throwaway users, and put back the variables they
 * set), and importing the app's or the session's modules again for each of
 * some four hundred files, or unpacking an engine again for each file that
 * runs one, cost more than many of the tests themselves. The whole fast tier
 * shares them; the whole builds' files, whose processes and servers live as
 * long as the file, run isolated.
 */
export const SHARED = [...TIERS.fast, 'test/session', 'test/security'] as const;

/**
 * Files of those folders that run alone all the same: the egress proxy's attacks dial
 * through the proxy's own connection (`createConnection`), which nock's interception of
 * `http`, loaded by any file before them in a shared worker, does not pass on.
 */
export const ALONE = ['test/security/egress-proxy.test.ts'] as const;

/** The glob of a tier's entry: a folder's test files, or the file itself. */
export function globOf(entry: string): string {
  return isFile(entry) ? entry : `${entry}/**/*.test.ts`;
}

/** The files other tiers name, which leave this tier's folders. */
export function namedElsewhere(tier: Tier): string[] {
  return (Object.keys(TIERS) as Tier[])
    .filter((other) => other !== tier)
    .flatMap((other) => (TIERS[other] as readonly string[]).filter(isFile));
}

function isFile(entry: string): boolean {
  return entry.endsWith('.test.ts');
}
