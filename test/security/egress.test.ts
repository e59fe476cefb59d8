import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';
import { NOT_ROOT, NOT_ROOT_REASON, removeUser, throwawayUser } from './confine-fixtures.js';

/**
 * The model's commands reach only the hosts the session allows: a real tools
 * user in the real sandbox, whose network namespace's only way out is the
 * session's real proxy, all inside a network namespace of the test's own
 * (`unshare -n`, so the machine's network is never touched), with a pretend
 * internet on an interface there. egress-harness.ts does the work inside the
 * namespace and reports what reached where; this file judges.
 */
const NO_NETNS = NOT_ROOT || spawnSync('unshare', ['-n', 'true']).status !== 0;
const REASON = `${NOT_ROOT_REASON}, and unshare -n`;

const USER = throwawayUser('e');
afterAll(() => removeUser(USER));

interface Report {
  results: Record<string, string>;
  reached: Record<string, number>;
  model: string;
  blocked: { host: string; port: number; count: number }[];
  log: string[];
  netnsLeft: boolean;
}

function harness(mode: 'limited' | 'open' | 'session' | 'planted-ecosystem'): Report {
  const out = execFileSync(
    findProgram('unshare', SYSTEM_PATH) ?? 'unshare',
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
    { encoding: 'utf8', timeout: 180_000 },
  );
  const last = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Report;
}

describe.skipIf(NO_NETNS)(`the sandbox's network (${REASON})`, () => {
  it('reaches allowed hosts by name through the proxy and nothing else: no other name, no other server name, no other port, no IP, no DNS, no UDP, no loopback service but the listed ones, no way around the proxy', () => {
    const { results, reached, model, blocked, log, netnsLeft } = harness('limited');
    // Allowed, by name (and by wildcard): a TLS tunnel whose ClientHello names that host.
    expect(reached['tls 198.51.100.1 allowed.test']).toBe(1);
    expect(reached['tls 198.51.100.1 a.wild.test']).toBe(1);
    // Plain HTTP to the distribution's archive, with its own Host.
    expect(results.plainArchive).toBe('body archive');
    expect(reached['http 198.51.100.1:80 Host: archive.ubuntu.com']).toBe(1);
    // Nothing else reached the pretend internet: not another server name or none through an
    // allowed tunnel, not another Host, not another port or host, not a datagram.
    // (The model's server is the job's; loopback services are judged by their answers below.)
    const fromSandbox = Object.keys(reached).filter(
      (key) => !key.includes('198.51.100.3') && !key.includes('127.0.0.1'),
    );
    expect(fromSandbox.sort()).toEqual([
      'http 198.51.100.1:80 Host: archive.ubuntu.com',
      'tls 198.51.100.1 a.wild.test',
      'tls 198.51.100.1 allowed.test',
    ]);
    expect(results.tlsOtherPort).toMatch(/^refused .*403/);
    expect(results.tlsDenied).toMatch(/^refused .*403/);
    expect(results.tlsAllowedHostsIp).toMatch(/^refused .*403/);
    expect(results.plainOtherHost).toMatch(/^refused .*403/);
    expect(results.plainAllowed).toMatch(/^refused .*403/);
    // Straight to an address, also with the proxy variables unset: the namespace has no route.
    for (const key of [
      'directAllowedIp',
      'directDeniedIp',
      'directV6',
      'directNoProxyVariables',
      'directLocalService',
      'tcpLocalResolver',
    ]) {
      expect({ key, result: results[key] }).toEqual({
        key,
        result: expect.stringMatching(/^error /),
      });
    }
    for (const key of ['udpDns', 'udpOther', 'udpV6Dns'])
      expect({ key, result: results[key] }).toEqual({
        key,
        result: expect.stringMatching(/^error /),
      });
    // A service on the runner's loopback that session.network.ports lists, and only that one.
    expect(results.listedLocalService).toBe('body listed');
    // The job's own process still reaches the model.
    expect(model).toBe('model');
    // Every refusal is counted by host and port, and logged.
    expect(blocked).toEqual(
      expect.arrayContaining([
        { host: 'allowed.test', port: 443, count: 2 },
        { host: 'allowed.test', port: 8080, count: 2 },
        { host: 'denied.test', port: 443, count: 1 },
        { host: '198.51.100.1', port: 443, count: 1 },
        { host: 'archive.ubuntu.com', port: 80, count: 1 },
      ]),
    );
    expect(log).toContain('egress: refused denied.test:443 (not on the allowlist)');
    expect(log).toContain(
      'egress: refused allowed.test:443 (its TLS ClientHello names another server (SNI))',
    );
    // The namespace goes with the session.
    expect(netnsLeft).toBe(false);
  });

  it('in a work session: the checkout’s ecosystems are allowed, anything else is refused and counted in the result for publish', () => {
    const report = harness('session') as unknown as {
      seen: string;
      status: string;
      blocked: Report['blocked'];
      reached: Report['reached'];
    };
    expect(report.status).toBe('complete');
    expect(report.reached).toEqual({ 'tls 198.51.100.1 registry.npmjs.org': 1 });
    expect(report.seen.split('\n')).toEqual([
      'tunnel opened', // registry.npmjs.org: the repository has a package.json
      'refused HTTP/1.1 403 Forbidden', // pypi.org: it has no Python
      'error ENETUNREACH', // around the proxy
      '',
    ]);
    expect(report.blocked).toEqual([{ host: 'pypi.org', port: 443, count: 1 }]);
  });

  it('a worker branch that plants an ecosystem’s file gets no registry: the default branch’s tree says which ecosystems a session serves', () => {
    const { planted, own } = harness('planted-ecosystem') as unknown as Record<
      'planted' | 'own',
      { seen: string; status: string; blocked: Report['blocked']; reached: Report['reached'] }
    >;
    // The branch carries tools/package.json; the default branch has no npm: npm's registry is
    // refused (no `npm publish` of the source with an attacker's token), and nothing reached it.
    expect(planted.status).toBe('complete');
    expect(planted.seen.split('\n')).toEqual(['refused HTTP/1.1 403 Forbidden', '']);
    expect(planted.blocked).toEqual([{ host: 'registry.npmjs.org', port: 443, count: 1 }]);
    expect(planted.reached).toEqual({});
    // The default branch's own package.json still opens it, to the same branch.
    expect(own.status).toBe('complete');
    expect(own.seen.split('\n')).toEqual(['tunnel opened', '']);
    expect(own.reached).toEqual({ 'tls 198.51.100.1 registry.npmjs.org': 1 });
  });

  it('with `session.network: open` the network is the runner’s (each attempt above then gets through)', () => {
    const { results, reached, model, blocked } = harness('open');
    expect(results.directDeniedIp).toBe('body denied');
    expect(results.directV6).toBe('body v6');
    expect(results.directLocalService).toBe('body local');
    expect(results.udpDns).toBe('sent');
    expect(reached['udp 198.51.100.1:53']).toBe(1);
    expect(model).toBe('model');
    expect(blocked).toEqual([]);
  });
});
