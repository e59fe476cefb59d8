import { createServer } from 'node:http';
import { Octokit } from '@octokit/core';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  classifyGitHubFailure,
  describeGitHubFailure,
  reachFix,
} from '../../src/core/doctor/github-failure.js';
import { closeServer, listenLocally } from '../support/local-server.js';
import { nockEachTest } from '../support/nock-each-test.js';

const API = 'https://api.github.com';

/** What Octokit throws for `GET /app` when the request fails as `fail` says. */
async function failureOf(fail: (scope: nock.Interceptor) => nock.Scope): Promise<unknown> {
  fail(nock(API).get('/app'));
  return new Octokit().request('GET /app').then(
    () => {
      throw new Error('the request succeeded');
    },
    (error: unknown) => error,
  );
}

describe('classifyGitHubFailure', () => {
  nockEachTest();

  it.each([
    [
      'ENOTFOUND',
      'getaddrinfo ENOTFOUND api.github.com',
      'cannot reach GitHub (DNS: getaddrinfo ENOTFOUND api.github.com)',
    ],
    [
      'EAI_AGAIN',
      'getaddrinfo EAI_AGAIN api.github.com',
      'cannot reach GitHub (DNS: getaddrinfo EAI_AGAIN api.github.com)',
    ],
    ['ECONNRESET', 'socket hang up', 'cannot reach GitHub (TCP: socket hang up)'],
    [
      'ETIMEDOUT',
      'connect ETIMEDOUT 140.82.112.6:443',
      'cannot reach GitHub (timed out: connect ETIMEDOUT 140.82.112.6:443)',
    ],
    [
      'CERT_HAS_EXPIRED',
      'certificate has expired',
      'cannot reach GitHub (TLS: certificate has expired)',
    ],
    [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'self-signed certificate in certificate chain',
      'cannot reach GitHub (TLS: self-signed certificate in certificate chain)',
    ],
    [
      'UND_ERR_ABORTED',
      'Proxy response (407) !== 200 when HTTP Tunneling',
      'cannot reach GitHub (proxy: Proxy response (407) !== 200 when HTTP Tunneling)',
    ],
  ])(
    'tells %s apart from a refusal, though Octokit reports it as a 500',
    async (code, message, said) => {
      const error = await failureOf((get) => get.replyWithError({ code, message }));
      expect(error).toMatchObject({ status: 500 });
      const failure = classifyGitHubFailure(error);
      expect(failure.kind).toBe('unreachable');
      expect(describeGitHubFailure(failure)).toBe(said);
    },
  );

  it('finds a connection refused on a port nothing listens on', async () => {
    const server = createServer();
    const base = await listenLocally(server);
    await closeServer(server);
    nock.enableNetConnect('127.0.0.1');
    const error = await new Octokit({ baseUrl: base }).request('GET /app').catch((e: unknown) => e);
    expect(classifyGitHubFailure(error)).toMatchObject({
      kind: 'unreachable',
      layer: 'tcp',
      code: 'ECONNREFUSED',
    });
  });

  it('finds a request fetch never sent, to a port it blocks (9), though Octokit reports it as a 500', async () => {
    nock.enableNetConnect('127.0.0.1');
    const error = await new Octokit({ baseUrl: 'http://127.0.0.1:9' })
      .request('GET /app')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500 });
    const failure = classifyGitHubFailure(error);
    expect(failure).toMatchObject({ kind: 'unreachable', layer: 'port' });
    expect(describeGitHubFailure(failure)).toBe('cannot reach GitHub (blocked port: bad port)');
    expect(reachFix('port')).toContain('serve it on another');
  });

  it.each([
    [401, 'A JSON web token could not be decoded'],
    [500, 'Server Error'],
    [404, 'Not Found'],
  ])('takes an answer of %i as GitHub refusing, with its message', async (status, message) => {
    const error = await failureOf((get) => get.reply(status, { message }));
    expect(classifyGitHubFailure(error)).toEqual({ kind: 'refused', status, message });
    expect(describeGitHubFailure(classifyGitHubFailure(error))).toBe(
      `GitHub refused (${status} ${message})`,
    );
  });

  it('names another host when asked, and keeps what it cannot tell', () => {
    const fetchFailed = new TypeError('fetch failed', {
      cause: Object.assign(new Error('getaddrinfo ENOTFOUND baton.example.com'), {
        code: 'ENOTFOUND',
      }),
    });
    expect(describeGitHubFailure(classifyGitHubFailure(fetchFailed), 'the app')).toBe(
      'cannot reach the app (DNS: getaddrinfo ENOTFOUND baton.example.com)',
    );
    expect(classifyGitHubFailure(new Error('something else'))).toEqual({
      kind: 'other',
      message: 'something else',
    });
  });
});
