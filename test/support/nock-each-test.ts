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

/** The answers of one route, in turn: `[status, body]`, each given once. */
export type AnswersInTurn = [status: number, body: nock.Body][];

/**
 * A scope on `api` answering `method path` with each of `answers` in turn, once each: a
 * route that fails, then answers (what a client's retries meet).
 */
export function answeredInTurn(
  api: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  answers: AnswersInTurn,
): nock.Scope {
  const scope = nock(api);
  for (const [status, body] of answers) scope.intercept(path, method).reply(status, body);
  return scope;
}
