// `baton setup` where GitHub cannot be reached: it says so in the doctor's
// words, at once (the first request is not retried), and not as an answer
// GitHub never gave. Real requests, no nock: a port nothing listens on, or
// one fetch refuses to send to.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/setup.js';
import { TEST_PRIVATE_KEY as privateKey } from '../support/app-key.js';
import { closeServer, listenLocally } from '../support/local-server.js';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'baton-setup-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

/** `baton setup --repo` against GitHub at `host`, with the app's own Octokit (retries on). */
async function setupAgainst(host: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ['--repo', 'octo-org/widgets'],
    {
      APP_ID: '1',
      PRIVATE_KEY: privateKey,
      GHE_HOST: host,
      GHE_PROTOCOL: 'http',
      BATON_SOURCE_REPOSITORY: 'baton-dev/baton',
      BATON_SOURCE_REF: '0123456789abcdef0123456789abcdef01234567',
    },
    // A folder that is no checkout: the app's own checkout would add its drift warning first.
    { out: (text) => out.push(text), err: (text) => err.push(text), cwd, checkoutRoot: cwd },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('baton setup when GitHub cannot be reached', () => {
  it('says it cannot reach GitHub when nothing listens, not that GitHub answered 500', async () => {
    const server = createServer();
    const base = await listenLocally(server);
    await closeServer(server);
    const { code, err } = await setupAgainst(new URL(base).host);
    expect(code).toBe(1);
    expect(err).toMatch(
      /^baton setup: cannot reach GitHub \(TCP: connect ECONNREFUSED .*\): check the network, a firewall/,
    );
    expect(err).not.toMatch(/500|did not answer/);
  });

  it('says it cannot reach GitHub on a port fetch refuses, not that GitHub refused', async () => {
    const { code, err } = await setupAgainst('127.0.0.1:9');
    expect(code).toBe(1);
    expect(err).toMatch(
      /^baton setup: cannot reach GitHub \(blocked port: bad port\): check the port/,
    );
  });
});
