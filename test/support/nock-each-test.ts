import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';

/**
 * Before each test no network, only nock's interceptors; after each test every interceptor
 * is cleared and the network open again (the next file may run in the same worker).
 */
export function nockEachTest(): void {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}
