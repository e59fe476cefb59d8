import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';
import { NOT_ROOT, NOT_ROOT_REASON, removeUser, throwawayUser } from './confine-fixtures.js';

/**
 * The model's commands reach only the hosts the session allows: a real tools
 * user, real packet filter rules and the session's real proxy, in a network
 * namespace of the test's own (so the machine's rules are never touched), with
 * a pretend internet on an interface there. egress-harness.ts does the work
 * inside the namespace and reports; this file judges.
 */
const NO_NETNS =
  NOT_ROOT ||
  !findProgram('iptables', SYSTEM_PATH) ||
  !findProgram('ip6tables', SYSTEM_PATH) ||
  !findProgram('unshare', SYSTEM_PATH) ||
  spawnSync('unshare', ['-n', 'true']).status !== 0;
const REASON = `${NOT_ROOT_REASON}, iptables (Debian's package; .ci/run installs it) and unshare -n`;

const USER = throwawayUser('e');
afterAll(() => removeUser(USER));

interface Report {
  results: Record<string, string>;
  udpHits: Record<string, number>;
  tcpDnsHits: number;
  model: string;
  blocked: { host: string; port: number; count: number }[];
  log: string[];
  openMs: number;
  rulesLeft: boolean;
}

function harness(mode: 'limited' | 'open' | 'session'): Report {
  const out = execFileSync(
    'unshare',
    [
      '-n',
      '--',
      process.execPath,
      '--import',
      'tsx',
      'test/security/egress-harness.ts',
      USER,
      mode,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const last = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Report;
}

describe.skipIf(NO_NETNS)(`the tools user's network (${REASON})`, () => {
  it('reaches allowed hosts by name through the proxy and nothing else: no other name, no IP, no DNS, no UDP, no way around the proxy', () => {
    const { results, udpHits, tcpDnsHits, model, blocked, log, rulesLeft } = harness('limited');
    // Allowed, by name (and by wildcard), through the proxy: CONNECT and plain HTTP.
    expect(results.proxyConnectAllowed).toBe('body allowed');
    expect(results.proxyGetAllowed).toBe('body allowed');
    expect(results.proxyConnectWildcard).toBe('body allowed');
    // Refused by the proxy: a name not on the list, and IP literals (even the allowed host's).
    expect(results.proxyConnectDenied).toMatch(/^refused .*403/);
    expect(results.proxyGetDenied).toBe('refused 403');
    expect(results.proxyConnectAllowedHostsIp).toMatch(/^refused .*403/);
    expect(results.proxyConnectDeniedIp).toMatch(/^refused .*403/);
    // Refused by the kernel: straight to an address (v4, v6), also with the proxy variables unset.
    for (const key of ['directAllowedIp', 'directDeniedIp', 'directV6', 'directNoProxyVariables']) {
      expect({ key, result: results[key] }).toEqual({
        key,
        result: expect.stringMatching(/^error /),
      });
    }
    // DNS and UDP, to a resolver out there or on loopback: not one packet arrives.
    for (const key of ['udpDns', 'udpOther', 'udpLocalResolver', 'udpV6Dns', 'tcpLocalResolver']) {
      expect({ key, result: results[key] }).toEqual({
        key,
        result: expect.stringMatching(/^error /),
      });
    }
    expect(Object.values(udpHits).reduce((a, b) => a + b, 0)).toBe(0);
    expect(tcpDnsHits).toBe(0);
    // Services on loopback (a database the setup started) stay reachable.
    expect(results.directLocalService).toBe('body local');
    // The job's own process still reaches the model.
    expect(model).toBe('model');
    // Every refusal is counted by host and port, and logged.
    expect(blocked).toEqual(
      expect.arrayContaining([
        { host: 'denied.test', port: 8080, count: 2 },
        { host: '10.77.0.1', port: 8080, count: 1 },
        { host: '10.77.0.2', port: 8080, count: 1 },
      ]),
    );
    expect(log).toContain('egress: refused denied.test:8080 (not on the allowlist)');
    // The rules go with the session.
    expect(rulesLeft).toBe(false);
  });

  it('in a work session: the checkout’s ecosystems are allowed, anything else is refused and counted in the result for publish', () => {
    const report = harness('session') as unknown as {
      seen: string;
      status: string;
      blocked: Report['blocked'];
    };
    expect(report.status).toBe('complete');
    expect(report.seen.split('\n')).toEqual([
      'body allowed', // registry.npmjs.org: the repository has a package.json
      'refused HTTP/1.1 403 Forbidden', // pypi.org: it has no Python
      'error ECONNREFUSED', // around the proxy
      '',
    ]);
    expect(report.blocked).toEqual([{ host: 'pypi.org', port: 8080, count: 1 }]);
  });

  it('with `session.network: open` nothing is limited (each attempt above then gets through)', () => {
    const { results, udpHits, model, blocked } = harness('open');
    expect(results.directDeniedIp).toBe('body denied');
    expect(results.directV6).toBe('body v6');
    expect(results.udpDns).toBe('sent');
    expect(udpHits['10.77.0.1:53']).toBe(1);
    expect(model).toBe('model');
    expect(blocked).toEqual([]);
  });
});
