import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start their own servers on 127.0.0.1; none may reach the internet.
    testTimeout: 20_000,
    hookTimeout: 20_000,
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
