/**
 * Runs as the session would, in a process of its own that inherited two open
 * descriptors without close-on-exec (40 and 200, as a runner or a step may
 * leave them): opens a real sandbox for the tools user and starts one run
 * whose environment holds a proxy token. While the run waits, it reads every
 * process's command line on the host, as `ps` shows them to any user; the run
 * reads the inherited descriptors. Prints what it found as JSON.
 * test/security/confine-inherited.test.ts starts it and judges.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSandbox } from '../../src/session/agent/sandbox/sandbox.js';
import { programPath } from '../../src/session/programs.js';

const [user] = process.argv.slice(2);
// Given in the environment: the harness's own command line is not the session's to keep clean.
const token = process.env.HARNESS_TOKEN;
if (!user || !token) throw new Error('usage: HARNESS_TOKEN=… inherited-harness.ts USER');

const root = mkdtempSync(path.join(tmpdir(), 'baton-inherited-'));
writeFileSync(path.join(root, 'README.md'), '# demo\n');
const sandbox = await openSandbox({ root, user, egress: null });
const run = sandbox.spawn({
  argv: [
    programPath('bash'),
    '-c',
    'cat <&40; cat <&200; ls /proc/self/fd | tr "\\n" " "; echo; echo ready; while [ ! -e go ]; do sleep 0.05; done',
  ],
  env: { PATH: '/usr/bin:/bin', BATON_PROXY_TOKEN: token },
  timeoutMs: 60_000,
});
let output = '';
const commandLines: string[] = [];
run.child.stderr?.resume();
run.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
  output += chunk;
  if (!output.includes('ready\n') || commandLines.length > 0) return;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    // A process may end between the listing and the read.
    const line = readCommandLine(pid);
    if (line !== null) commandLines.push(line);
  }
  writeFileSync(path.join(sandbox.workDir, 'go'), '');
});
await new Promise((resolve) => run.child.once('exit', resolve));
await sandbox.close();
rmSync(root, { recursive: true, force: true });
const withToken = commandLines.filter((line) => line.includes(token));
process.stdout.write(`${JSON.stringify({ output, processes: commandLines.length, withToken })}\n`);

function readCommandLine(pid: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return null;
  }
}
