/**
 * Runs inside a network namespace of its own (`unshare -n`, as root): sets up
 * a pretend internet on a veth pair (documentation addresses, which the proxy
 * does not refuse), opens a real sandbox with egress limits for the tools
 * user, has its commands try each way out, and prints what reached where as
 * JSON. test/security/egress.test.ts runs it and judges.
 */
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseClientHello } from '../../src/session/agent/sandbox/client-hello.js';
import { openSandbox } from '../../src/session/agent/sandbox/sandbox.js';
import { runBashCommand } from '../../src/session/agent/tools/bash-tool.js';
import { SYSTEM_PATH } from '../../src/session/programs.js';
import { confinedSession } from './confine-fixtures.js';

const [user, mode = 'limited'] = process.argv.slice(2);
if (!user)
  throw new Error('usage: egress-harness.ts USER [limited|open|session|planted-ecosystem]');

function sh(...args: string[]) {
  execFileSync(args[0] as string, args.slice(1), { stdio: 'ignore' });
}
sh('ip', 'link', 'set', 'lo', 'up');
// A pretend internet: addresses on an interface of their own (a veth pair; no dummy module needed).
sh('ip', 'link', 'add', 'eg0', 'type', 'veth', 'peer', 'name', 'eg1');
for (const address of ['198.51.100.1/24', '198.51.100.2/24', '198.51.100.3/24'])
  sh('ip', 'addr', 'add', address, 'dev', 'eg0');
sh('ip', '-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'eg0', 'nodad');
sh('ip', 'link', 'set', 'eg0', 'up');
sh('ip', 'link', 'set', 'eg1', 'up');

/** What reached the pretend internet: ClientHellos by address and server name, Host headers, datagrams. */
const reached: Record<string, number> = {};
const count = (key: string) => {
  reached[key] = (reached[key] ?? 0) + 1;
};

/** A stand-in TLS server: counts each ClientHello by its server name, answers plain text. */
async function helloServer(host: string): Promise<void> {
  const server = createTcpServer((socket) => {
    let held = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      held = Buffer.concat([held, chunk]);
      const hello = parseClientHello(held);
      if (hello.kind === 'incomplete') return;
      count(`tls ${host} ${hello.kind === 'hello' ? (hello.serverName ?? '(none)') : 'not tls'}`);
      socket.end('answer');
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(443, host, resolve));
}
async function httpServer(host: string, port: number, answer: string): Promise<number> {
  const server = http.createServer((request, response) => {
    count(`http ${host}:${port} Host: ${request.headers.host}`);
    response.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
async function udpServer(host: string, port: number): Promise<void> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', () => count(`udp ${host}:${port}`));
  await new Promise<void>((resolve) => socket.bind(port, host, resolve));
}
async function tcpDnsServer(host: string): Promise<void> {
  const server = createTcpServer((socket) => {
    count(`tcp ${host}:53`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(53, host, resolve));
}

await helloServer('198.51.100.1');
await helloServer('198.51.100.2');
await httpServer('198.51.100.1', 80, 'archive');
await httpServer('198.51.100.1', 8080, 'allowed');
await httpServer('198.51.100.2', 8080, 'denied');
await httpServer('2001:db8::1', 8080, 'v6');
await httpServer('198.51.100.3', 8080, 'model');
const localPort = await httpServer('127.0.0.1', 0, 'local');
// A service the setup started, listed in session.network.ports.
const listedPort = await httpServer('127.0.0.1', 0, 'listed');
await udpServer('198.51.100.1', 53);
await udpServer('198.51.100.1', 5353);
await udpServer('127.0.0.53', 53);
await udpServer('2001:db8::1', 53);
await tcpDnsServer('127.0.0.53');

if (mode === 'session') {
  // A whole work session outside Actions (no event payload: the checkout steers, as in local runs):
  // the allowlist comes from the checkout (package.json: npm's registry).
  const probe = readFileSync(new URL('./egress-probe.cjs', import.meta.url), 'utf8');
  const run = await confinedSession({
    user,
    files: {
      'package.json': '{"name":"demo","version":"1.0.0"}\n',
      'probe.cjs': probe,
    },
    egressHosts: { 'registry.npmjs.org': '198.51.100.1', 'pypi.org': '198.51.100.2' },
    commands: [
      'node probe.cjs proxy-tls registry.npmjs.org 443 registry.npmjs.org; node probe.cjs proxy-tls pypi.org 443 pypi.org; node probe.cjs direct 198.51.100.2 8080',
    ],
  });
  process.stdout.write(
    `${JSON.stringify({ seen: run.seen, status: run.result.status, reason: run.result.reason, blocked: run.result.blocked, reached })}\n`,
  );
  process.exit(0);
}

if (mode === 'planted-ecosystem') {
  // Work sessions as in Actions, on a worker branch that carries `tools/package.json`: once where
  // the default branch has no npm (a model planted it, to `npm publish` the source out), once
  // where the default branch has its own package.json. Each tries npm's registry.
  const probe = readFileSync(new URL('./egress-probe.cjs', import.meta.url), 'utf8');
  const attempt = async (defaultBranch: Record<string, string>) => {
    const before = { ...reached };
    const run = await confinedSession({
      user,
      defaultBranch: { 'README.md': '# demo\n', ...defaultBranch },
      files: {
        'tools/package.json': '{"name":"exfil","version":"1.0.0"}\n',
        'probe.cjs': probe,
      },
      egressHosts: { 'registry.npmjs.org': '198.51.100.1' },
      commands: ['node probe.cjs proxy-tls registry.npmjs.org 443 registry.npmjs.org'],
    });
    const added = Object.fromEntries(
      Object.entries(reached)
        .map(([key, n]) => [key, n - (before[key] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    return {
      seen: run.seen,
      status: run.result.status,
      blocked: run.result.blocked,
      reached: added,
    };
  };
  const planted = await attempt({});
  const own = await attempt({ 'package.json': '{"name":"demo","version":"1.0.0"}\n' });
  process.stdout.write(`${JSON.stringify({ planted, own })}\n`);
  process.exit(0);
}

const base = mkdtempSync(path.join(tmpdir(), 'baton-egress-'));
chmodSync(base, 0o755);
const root = path.join(base, 'checkout');
mkdirSync(root);
writeFileSync(path.join(root, 'README.md'), '# demo\n');
copyFileSync(new URL('./egress-probe.cjs', import.meta.url), path.join(root, 'probe.cjs'));

const log: string[] = [];
const sandbox = await openSandbox({
  root,
  user,
  egress:
    mode === 'open'
      ? null
      : {
          allow: ['allowed.test', '*.wild.test', 'archive.ubuntu.com'],
          ports: [listedPort],
          log: (line) => log.push(line),
          hosts: {
            'allowed.test': '198.51.100.1',
            'denied.test': '198.51.100.2',
            'a.wild.test': '198.51.100.1',
            'archive.ubuntu.com': '198.51.100.1',
          },
        },
});
const env = { PATH: SYSTEM_PATH, ...sandbox.env };

async function attempt(args: string, prefix = ''): Promise<string> {
  const run = await runBashCommand({
    command: `${prefix}node probe.cjs ${args}`,
    sandbox,
    env,
    timeoutMs: 15_000,
    maxOutputChars: 4000,
  });
  return run.output.trim();
}
const results: Record<string, string> = {
  tlsAllowed: await attempt('proxy-tls allowed.test 443 allowed.test'),
  tlsWildcard: await attempt('proxy-tls a.wild.test 443 a.wild.test'),
  tlsOtherName: await attempt('proxy-tls allowed.test 443 denied.test'),
  tlsNoName: await attempt('proxy-tls allowed.test 443 -'),
  tlsOtherPort: await attempt('proxy-tls allowed.test 8080 allowed.test'),
  tlsDenied: await attempt('proxy-tls denied.test 443 denied.test'),
  tlsAllowedHostsIp: await attempt('proxy-tls 198.51.100.1 443 -'),
  plainArchive: await attempt('proxy-get http://archive.ubuntu.com/ubuntu/ archive.ubuntu.com'),
  plainOtherHost: await attempt('proxy-get http://archive.ubuntu.com/ubuntu/ denied.test'),
  plainAllowed: await attempt('proxy-get http://allowed.test:8080/ allowed.test:8080'),
  directAllowedIp: await attempt('direct 198.51.100.1 8080'),
  directDeniedIp: await attempt('direct 198.51.100.2 8080'),
  directV6: await attempt('direct 2001:db8::1 8080'),
  directNoProxyVariables: await attempt(
    'direct 198.51.100.2 8080',
    'unset HTTPS_PROXY HTTP_PROXY https_proxy http_proxy; ',
  ),
  directLocalService: await attempt(`direct 127.0.0.1 ${localPort}`),
  listedLocalService: await attempt(`direct 127.0.0.1 ${listedPort}`),
  udpDns: await attempt('udp 198.51.100.1 53'),
  udpOther: await attempt('udp 198.51.100.1 5353'),
  udpLocalResolver: await attempt('udp 127.0.0.53 53'),
  udpV6Dns: await attempt('udp 2001:db8::1 53'),
  tcpLocalResolver: await attempt('direct 127.0.0.53 53'),
};
// The job's own process: the model's API is not behind the proxy.
const model = await fetch('http://198.51.100.3:8080/v1/messages')
  .then((r) => r.text())
  .catch((e) => `error ${e}`);
const blocked = sandbox.blocked();
await sandbox.close();
const netnsLeft = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(
  `baton-${process.pid}-`,
);
rmSync(base, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ results, reached, model, blocked, log, netnsLeft })}\n`);
process.exit(0);
