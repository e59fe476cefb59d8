import nock from 'nock';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { API } from './mount-nock.js';

/** A request to the simulated GitHub held on its way until the test lets it go. */
export interface HeldRequest {
  /** Settles once the request has arrived (and is held). */
  held: Promise<void>;
  /** Lets it reach GitHub, which answers it then. */
  release(): void;
}

/**
 * Holds the first request matching `method`, `path` and `body` until `release()`: a
 * replica slow to send (a rate limit, a slow network), while another goes on. With
 * `answer`, the request reaches GitHub at once and its answer is what is held: a replica
 * that made its write and waits to hear so. Call it before `startApp`: nock answers with
 * the interceptor set first, and this one is used once; every other request reaches the
 * simulator at once.
 */
export function holdFirstRequest(
  gh: FakeGitHub,
  {
    method,
    path,
    body = () => true,
    answer: holdAnswer = false,
  }: {
    method: 'POST' | 'PATCH' | 'PUT';
    path: RegExp;
    body?: (body: unknown) => boolean;
    answer?: boolean;
  },
): HeldRequest {
  let arrived = () => {};
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  nock(API)
    .intercept(path, method, (sent: unknown) => body(sent))
    .reply(async function reply(uri, sent) {
      const headers = Object.fromEntries(
        Object.entries(this.req.headers).map(([key, value]) => [key, String(value)]),
      );
      const url = new URL(uri, API);
      const handle = () =>
        gh.handle({ method, path: url.pathname, query: url.searchParams, body: sent, headers });
      const made = holdAnswer ? handle() : null;
      arrived();
      await released;
      const answer = made ?? handle();
      return [
        answer.status,
        JSON.stringify(answer.body ?? ''),
        { 'content-type': 'application/json' },
      ];
    });
  return { held, release };
}
