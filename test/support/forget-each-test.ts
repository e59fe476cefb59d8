import { beforeEach } from 'vitest';
import { forgetAll } from '../../src/process-memory.js';

/**
 * The shared project's files run in one process each worker (vitest.config.ts):
 * every test starts with the app's caches empty, as a new process would,
 * whatever the file before it taught them.
 */
beforeEach(() => {
  forgetAll();
});
