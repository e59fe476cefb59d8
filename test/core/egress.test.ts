import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config/config.js';
import { decide } from '../../src/core/decide/decide.js';
import {
  DISTRIBUTION_HOSTS,
  describeBlocked,
  egressAllowlist,
  hostAllowed,
  isIpLiteral,
  portAllowed,
} from '../../src/core/sessions/egress.js';
import { NETWORK_OPEN, renderStatus } from '../../src/core/status/render-status.js';
import { makeConfig, makeSnapshot } from './factories.js';

describe('hostAllowed', () => {
  const allow = ['registry.npmjs.org', '*.example.com', '10.0.0.5', 'fd00::5'];
  it.each([
    { host: 'registry.npmjs.org', allowed: true },
    { host: 'REGISTRY.npmjs.org.', allowed: true },
    { host: 'evil.registry.npmjs.org', allowed: false },
    { host: 'registry.npmjs.org.evil.com', allowed: false },
    { host: 'api.example.com', allowed: true },
    { host: 'a.b.example.com', allowed: true },
    { host: 'example.com', allowed: false },
    { host: 'notexample.com', allowed: false },
    { host: 'example.com.evil.org', allowed: false },
    { host: '10.0.0.5', allowed: true },
    { host: '10.0.0.6', allowed: false },
    { host: '[fd00::5]', allowed: true },
    { host: '167772165', allowed: false },
    { host: '0x0a000005', allowed: false },
    { host: '', allowed: false },
  ])('$host: $allowed', ({ host, allowed }) => {
    expect(hostAllowed(host, allow)).toBe(allowed);
  });

  it('never lets a name match an address entry or an address a wildcard', () => {
    expect(hostAllowed('10.0.0.5', ['*.0.0.5'])).toBe(false);
    expect(isIpLiteral('1.2.3.4')).toBe(true);
    expect(isIpLiteral('::1')).toBe(true);
    expect(isIpLiteral('pypi.org')).toBe(false);
  });
});

describe('egressAllowlist', () => {
  it.each([
    { files: ['package.json', 'src/a.ts'], hosts: ['registry.npmjs.org'] },
    { files: ['tools/requirements.txt'], hosts: ['pypi.org', 'files.pythonhosted.org'] },
    { files: ['Cargo.toml'], hosts: ['crates.io', 'static.crates.io', 'index.crates.io'] },
    { files: ['go.mod'], hosts: ['proxy.golang.org', 'sum.golang.org'] },
    { files: ['pom.xml'], hosts: ['repo.maven.apache.org', 'repo1.maven.org'] },
    { files: ['lib/x.gemspec'], hosts: ['rubygems.org', 'index.rubygems.org'] },
    { files: ['README.md'], hosts: [] },
  ])(
    '$files: the registries of its ecosystems, the distribution archive, nothing else',
    ({ files, hosts }) => {
      expect(egressAllowlist(files, [])).toEqual([...hosts, ...DISTRIBUTION_HOSTS]);
    },
  );

  it('adds the configured hosts', () => {
    expect(egressAllowlist([], ['Git.Example.com', '*.corp.test'])).toEqual([
      ...DISTRIBUTION_HOSTS,
      'git.example.com',
      '*.corp.test',
    ]);
  });

  it('never holds the model API or GitHub by default', () => {
    const everything = egressAllowlist(
      ['package.json', 'requirements.txt', 'Cargo.toml', 'go.mod', 'pom.xml', 'Gemfile'],
      [],
    );
    for (const host of ['api.anthropic.com', 'github.com', 'api.github.com'])
      expect(hostAllowed(host, everything)).toBe(false);
  });
});

describe('describeBlocked', () => {
  it('sums refusals by host and port, most first', () => {
    expect(describeBlocked([])).toBeNull();
    expect(
      describeBlocked([
        { host: 'b.test', port: 80, count: 1 },
        { host: 'example.com', port: 443, count: 3 },
        { host: 'fd00::1', port: 443, count: 1 },
      ]),
    ).toBe(
      'blocked: 3 connections to example.com:443, 1 connection to b.test:80, 1 connection to [fd00::1]:443',
    );
  });
});

describe('session.network in .github/baton.yml', () => {
  it.each([
    { network: undefined, expected: { allow: [], ports: [] } },
    { network: 'open', expected: 'open' },
    {
      network: { allow: ['Git.Example.com', '*.corp.test', '10.1.2.3'] },
      expected: { allow: ['git.example.com', '*.corp.test', '10.1.2.3'], ports: [] },
    },
    { network: { ports: [5432, 6379] }, expected: { allow: [], ports: [5432, 6379] } },
  ])('$network', ({ network, expected }) => {
    const parsed = parseConfig({ session: network === undefined ? {} : { network } });
    expect(parsed.ok && parsed.config.session.network).toEqual(expected);
  });

  it.each([
    { network: 'closed' },
    { network: { allow: ['https://example.com'] } },
    { network: { allow: ['*'] } },
    { network: { allow: ['exa mple.com'] } },
    { network: { allow: ['example.com'], extra: true } },
    { network: { ports: [3128] } },
    { network: { ports: [0] } },
    { network: { ports: ['5432'] } },
  ])('refuses $network, naming the field', ({ network }) => {
    const parsed = parseConfig({ session: { network } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]?.field).toMatch(/^session\.network/);
  });
});

describe('the status comment with session.network: open', () => {
  it('is decided on every build whose config opens the network, and only then', () => {
    const now = '2026-07-01T12:00:00Z';
    const statusOf = (config: ReturnType<typeof makeConfig>) => {
      const action = decide({ snapshot: makeSnapshot(), config, now }).find(
        (a) => a.kind === 'render-status',
      );
      return action?.kind === 'render-status' ? renderStatus(action.view) : '';
    };
    expect(statusOf(makeConfig({ session: { network: 'open' } }))).toContain(NETWORK_OPEN);
    expect(statusOf(makeConfig({}))).not.toContain(NETWORK_OPEN);
    expect(
      statusOf(makeConfig({ session: { network: { allow: ['x.test'], ports: [] } } })),
    ).not.toContain(NETWORK_OPEN);
  });

  it('says the model’s commands may reach any host', () => {
    const view = { phase: 'improving' as const, build: '1-x' };
    expect(renderStatus({ ...view, networkOpen: true })).toContain(NETWORK_OPEN);
    expect(renderStatus(view)).not.toContain(NETWORK_OPEN);
  });
});

describe('portAllowed', () => {
  it.each([
    { host: 'registry.npmjs.org', port: 443, tunnel: true, allowed: true },
    { host: 'registry.npmjs.org', port: 8443, tunnel: true, allowed: false },
    { host: 'registry.npmjs.org', port: 80, tunnel: true, allowed: false },
    { host: 'registry.npmjs.org', port: 80, tunnel: false, allowed: false },
    { host: 'archive.ubuntu.com', port: 80, tunnel: false, allowed: true },
    { host: 'us.archive.ubuntu.com', port: 80, tunnel: false, allowed: true },
    { host: 'deb.debian.org', port: 80, tunnel: false, allowed: true },
    { host: 'deb.debian.org', port: 8080, tunnel: false, allowed: false },
    { host: 'deb.debian.org', port: 443, tunnel: true, allowed: true },
  ])('$host:$port (tunnel: $tunnel) → $allowed', ({ host, port, tunnel, allowed }) => {
    expect(portAllowed({ host, port, tunnel })).toBe(allowed);
  });
});
