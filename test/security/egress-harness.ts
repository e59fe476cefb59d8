/**
 * Runs inside a network namespace of its own (`unshare -n`, as root): sets up
 * a pretend internet on a dummy interface, opens a real sandbox with egress
 * limits for the tools user, has that user try each way out, and prints what
 * happened as JSON. test/security/egress.test.ts runs it and judges.
 */
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSandbox } from '../../src/session/agent/sandbox/sandbox.js';
import { runBashCommand } from '../../src/session/agent/tools/bash-tool.js';
import { SYSTEM_PATH } from '../../src/session/programs.js';
import { confinedSession } from './confine-fixtures.js';

const [user, mode = 'limited'] = process.argv.slice(2);
if (!user) throw new Error('usage: egress-harness.ts USER [limited|open|session]');

function sh(...args: string[]) {
  execFileSync(args[0] as string, args.slice(1), { stdio: 'ignore' });
}
sh('ip', 'link', 'set', 'lo', 'up');
// A pretend internet: addresses on an interface of their own (a veth pair; no dummy module needed).
sh('ip', 'link', 'add', 'eg0', 'type', 'veth', 'peer', 'name', 'eg1');
for (const address of ['10.77.0.1/24', '10.77.0.2/24', '10.77.0.3/24'])
  sh('ip', 'addr', 'add', address, 'dev', 'eg0');
sh('ip', '-6', 'addr', 'add', 'fd77::1/64', 'dev', 'eg0', 'nodad');
sh('ip', 'link', 'set', 'eg0', 'up');
sh('ip', 'link', 'set', 'eg1', 'up');

async function httpServer(host: string, port: number, answer: string): Promise<number> {
  const server = http.createServer((_request, response) => response.end(answer));
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
const udpHits: Record<string, number> = {};
async function udpServer(host: string, port: number): Promise<void> {
  const key = `${host}:${port}`;
  udpHits[key] = 0;
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', () => {
    udpHits[key] = (udpHits[key] ?? 0) + 1;
  });
  await new Promise<void>((resolve) => socket.bind(port, host, resolve));
}
let tcpDnsHits = 0;
async function tcpDnsServer(host: string): Promise<void> {
  const server = createTcpServer((socket) => {
    tcpDnsHits++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(53, host, resolve));
}

await httpServer('10.77.0.1', 8080, 'allowed');
await httpServer('10.77.0.2', 8080, 'denied');
await httpServer('fd77::1', 8080, 'v6');
await httpServer('10.77.0.3', 8080, 'model');
const localPort = await httpServer('127.0.0.1', 0, 'local');
await udpServer('10.77.0.1', 53);
await udpServer('10.77.0.1', 5353);
await udpServer('127.0.0.53', 53);
await udpServer('fd77::1', 53);
await tcpDnsServer('127.0.0.53');

if (mode === 'session') {
  // A whole work session: the allowlist comes from the checkout (package.json: npm's registry).
  const probeDir = mkdtempSync(path.join(tmpdir(), 'baton-egress-probe-'));
  chmodSync(probeDir, 0o755);
  const sessionProbe = path.join(probeDir, 'probe.cjs');
  copyFileSync(new URL('./egress-probe.cjs', import.meta.url), sessionProbe);
  chmodSync(sessionProbe, 0o644);
  const attemptIn = (args: string) => `echo "$(${process.execPath} ${sessionProbe} ${args})"`;
  const run = await confinedSession({
    user,
    files: { 'package.json': '{"name":"demo","version":"1.0.0"}\n' },
    egressHosts: { 'registry.npmjs.org': '10.77.0.1', 'pypi.org': '10.77.0.2' },
    commands: [
      `${attemptIn('proxy-connect registry.npmjs.org 8080')}; ${attemptIn('proxy-connect pypi.org 8080')}; ${attemptIn('direct 10.77.0.2 8080')}`,
    ],
  });
  rmSync(probeDir, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({ seen: run.seen, status: run.result.status, reason: run.result.reason, blocked: run.result.blocked })}\n`,
  );
  process.exit(0);
}

const base = mkdtempSync(path.join(tmpdir(), 'baton-egress-'));
chmodSync(base, 0o755);
const root = path.join(base, 'checkout');
mkdirSync(root);
writeFileSync(path.join(root, 'README.md'), '# demo\n');
const probe = path.join(base, 'probe.cjs');
copyFileSync(new URL('./egress-probe.cjs', import.meta.url), probe);
chmodSync(probe, 0o644);

const log: string[] = [];
const started = performance.now();
const sandbox = await openSandbox({
  root,
  user,
  egress:
    mode === 'open'
      ? null
      : {
          allow: ['allowed.test', '*.wild.test'],
          log: (line) => log.push(line),
          hosts: {
            'allowed.test': '10.77.0.1',
            'denied.test': '10.77.0.2',
            'a.wild.test': '10.77.0.1',
          },
        },
});
const openMs = Math.round(performance.now() - started);
const env = { PATH: SYSTEM_PATH, ...sandbox.env };

async function asTools(command: string): Promise<string> {
  const run = await runBashCommand({
    command,
    root: sandbox.workDir,
    env,
    timeoutMs: 15_000,
    maxOutputChars: 4000,
    runAs: user,
    home: sandbox.home ?? undefined,
    stopAll: sandbox.stopAll,
  });
  return run.output.trim();
}
const node = process.execPath;
const attempt = (args: string) => asTools(`${node} ${probe} ${args}`);
const results: Record<string, string> = {
  proxyConnectAllowed: await attempt('proxy-connect allowed.test 8080'),
  proxyGetAllowed: await attempt('proxy-get http://allowed.test:8080/'),
  proxyConnectWildcard: await attempt('proxy-connect a.wild.test 8080'),
  proxyConnectDenied: await attempt('proxy-connect denied.test 8080'),
  proxyGetDenied: await attempt('proxy-get http://denied.test:8080/'),
  proxyConnectAllowedHostsIp: await attempt('proxy-connect 10.77.0.1 8080'),
  proxyConnectDeniedIp: await attempt('proxy-connect 10.77.0.2 8080'),
  directAllowedIp: await attempt('direct 10.77.0.1 8080'),
  directDeniedIp: await attempt('direct 10.77.0.2 8080'),
  directV6: await attempt('direct fd77::1 8080'),
  directNoProxyVariables: await asTools(
    `unset HTTPS_PROXY HTTP_PROXY https_proxy http_proxy; ${node} ${probe} direct 10.77.0.2 8080`,
  ),
  directLocalService: await attempt(`direct 127.0.0.1 ${localPort}`),
  udpDns: await attempt('udp 10.77.0.1 53'),
  udpOther: await attempt('udp 10.77.0.1 5353'),
  udpLocalResolver: await attempt('udp 127.0.0.53 53'),
  udpV6Dns: await attempt('udp fd77::1 53'),
  tcpLocalResolver: await attempt('direct 127.0.0.53 53'),
};
// The job's own process: the model's API is not behind the proxy.
const model = await fetch('http://10.77.0.3:8080/v1/messages')
  .then((r) => r.text())
  .catch((e) => `error ${e}`);
const blocked = sandbox.blocked();
await sandbox.close();
const rulesLeft = execFileSync('iptables', ['-S'], { encoding: 'utf8' }).includes('BATON-EGRESS');
rmSync(base, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ results, udpHits, tcpDnsHits, model, blocked, log, openMs, rulesLeft })}\n`,
);
process.exit(0);
