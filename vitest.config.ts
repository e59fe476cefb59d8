import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start their own servers on 127.0.0.1; none may reach the internet.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The whole builds spend half their time waiting on their processes, so
    // two files at once even on two cores (vitest's default would be one).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
    },
  },
});
