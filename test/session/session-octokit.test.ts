import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createGitHubApi } from '../../src/session/publish/write/github-api.js';
import { createGitHubReads } from '../../src/session/reads/github-reads.js';
import { answeredInTurn, nockEachTest } from '../support/nock-each-test.js';

const API = 'https://api.github.com';
const PULLS = '/repos/acme/app/pulls';
const FAST = { retryBaseMs: 1, writeSpacingMs: 0 };

function api(log: string[] = []) {
  return createGitHubApi({
    apiUrl: API,
    token: 'ghs_test',
    fetch: globalThis.fetch,
    log: (line) => log.push(line),
    options: FAST,
  });
}

describe("a session's GitHub client", () => {
  nockEachTest();

  it.each([405, 409, 422])('does not retry a %i from a guarded write', async (status) => {
    const scope = nock(API).post(PULLS).reply(status, { message: 'refused' });
    await expect(api().request('POST', PULLS, { title: 't' })).rejects.toMatchObject({ status });
    expect(scope.isDone()).toBe(true);
  });

  it('retries a 502 and stops at the 422 that follows (the write had landed)', async () => {
    const scope = answeredInTurn(API, 'POST', PULLS, [
      [502, { message: 'Server Error' }],
      [422, { message: 'A pull request already exists' }],
      [201, { number: 8 }],
    ]);
    await expect(api().request('POST', PULLS, { title: 't' })).rejects.toMatchObject({
      status: 422,
    });
    expect(scope.pendingMocks()).toEqual([`POST ${API}:443${PULLS}`]);
  });

  it('gives up after five tries, each logged, and says so', async () => {
    const scope = nock(API).post(PULLS).times(5).reply(503, { message: 'Unavailable' });
    const log: string[] = [];
    await expect(api(log).request('POST', PULLS, {})).rejects.toThrow(
      `GitHub answered 503 to POST ${PULLS}: Unavailable (after 5 tries)`,
    );
    expect(scope.isDone()).toBe(true);
    expect(log).toEqual(Array(5).fill(`GitHub answered 503 to POST ${PULLS}`));
  });

  it('sends the body and the token, and survives a connection reset', async () => {
    const scope = nock(API, { reqheaders: { authorization: 'Bearer ghs_test' } })
      .post(PULLS, { title: 't', head: 'h' })
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .post(PULLS, { title: 't', head: 'h' })
      .reply(201, { number: 8 });
    expect(await api().request('POST', PULLS, { title: 't', head: 'h' })).toEqual({ number: 8 });
    expect(scope.isDone()).toBe(true);
  });

  it('waits out a secondary rate limit and tries again', async () => {
    const scope = nock(API)
      .post(PULLS)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '1' })
      .post(PULLS)
      .reply(201, { number: 8 });
    const log: string[] = [];
    expect(await api(log).request('POST', PULLS, {})).toEqual({ number: 8 });
    expect(scope.isDone()).toBe(true);
    expect(log).toEqual([`GitHub secondary rate limit on POST ${PULLS}: trying again in 1s`]);
  });

  it("retries the agent job's reads too", async () => {
    const scope = answeredInTurn(API, 'GET', `${PULLS}/7`, [
      [502, { message: 'Server Error' }],
      [
        200,
        {
          number: 7,
          title: 'W1.1',
          state: 'open',
          head: { sha: 'abc', ref: 'w' },
          base: { ref: 'b' },
        },
      ],
    ]);
    const reads = createGitHubReads({
      apiUrl: API,
      repository: 'acme/app',
      token: 'ghs_read',
      log: () => {},
      options: FAST,
    });
    expect(await reads.getPull(7)).toMatchObject({ number: 7, head: { sha: 'abc' } });
    expect(scope.isDone()).toBe(true);
  });

  it('says a read never reached GitHub, rather than blame the token, when the name does not resolve', async () => {
    nock(API)
      .get(`${PULLS}/7`)
      .times(2)
      .replyWithError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND api.github.com' });
    const reads = createGitHubReads({
      apiUrl: API,
      repository: 'acme/app',
      token: 'ghs_read',
      log: () => {},
      options: { ...FAST, retries: 1 },
    });
    const failure = (await reads.getPull(7).then(
      () => new Error('read'),
      (error: unknown) => error,
    )) as Error;
    expect(failure.message).toBe(
      "GET /pulls/7 cannot reach GitHub (DNS: getaddrinfo ENOTFOUND api.github.com) after 2 tries; check the host name and the DNS this machine uses (the runner's network)",
    );
    expect(failure.message).not.toMatch(/answered 500|GITHUB_TOKEN/);
  });

  it('says a write never reached GitHub when the connection is refused, after its tries', async () => {
    nock(API)
      .post(PULLS)
      .times(5)
      .replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 140.82.112.6:443' });
    await expect(api().request('POST', PULLS, {})).rejects.toThrow(
      `POST ${PULLS} cannot reach GitHub (TCP: connect ECONNREFUSED 140.82.112.6:443) after 5 tries; check the network, a firewall, and that the host answers on its port (the runner's network)`,
    );
  });
});
