import nock from 'nock';
import { beforeAll, beforeEach } from 'vitest';
import { forgetAll } from '../../src/process-memory.js';

/**
 * The shared project's files run in one process each worker (vitest.config.ts):
 * every file starts with no interceptor and the network as a new process has it,
 * whatever the file before it left (an app it never stopped still serves its
 * simulated GitHub on nock), and every test with the app's caches empty,
 * whatever the file before it taught them.
 */
beforeAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});
beforeEach(() => {
  forgetAll();
});
