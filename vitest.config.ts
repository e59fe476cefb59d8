import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start their own servers on 127.0.0.1; none may reach the internet.
    // The limits stop a test that hangs; none is a measure. Tests that start
    // real processes (sandboxes, git servers, sessions) run several times
    // slower on two cores beside other work (an egress harness 8 s alone,
    // over 20 s beside a CPU-heavy process), and none waits on time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The whole builds spend a third of their time waiting on their sessions'
    // processes, so a file a core and never fewer than three (three on two
    // cores, where vitest's default would be one).
    maxWorkers: Math.max(3, availableParallelism()),
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
    },
  },
});
