import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Folders whose files share their worker's modules (`isolate: false`): the
 * rules, the app on the simulated GitHub, its server and CLI, the session's
 * agent and publish against fakes, and the attacks on all of them. Each of
 * their files resets what it uses (the app harness clears every cache it
 * starts with; a session test's fixtures make their own repositories, servers
 * and throwaway users, and put back the variables they set), and importing the
 * app's or the session's modules again for each of some four hundred files, or
 * unpacking an engine again for each file that runs one, cost more than many
 * of the tests themselves. The whole builds' files, whose processes and
 * servers live as long as the file, run isolated.
 */
const SHARED = [
  'test/core',
  'test/github',
  'test/conductor',
  'test/app',
  'test/server',
  'test/cli',
  'test/doctor',
  'test/sim',
  'test/session',
  'test/security',
];

/**
 * Files of those folders that run alone all the same: the egress proxy's attacks dial
 * through the proxy's own connection (`createConnection`), which nock's interception of
 * `http`, loaded by any file before them in a shared worker, does not pass on.
 */
const ALONE = ['test/security/egress-proxy.test.ts'];

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
    maxWorkers: Math.max(4, availableParallelism()),
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: SHARED.map((dir) => `${dir}/**/*.test.ts`),
          exclude: ['**/node_modules/**', ...ALONE],
          isolate: false,
          setupFiles: ['test/support/forget-each-test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...SHARED.map((dir) => `${dir}/**`)],
        },
      },
      { extends: true, test: { name: 'alone', include: ALONE } },
    ],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
    },
  },
});
