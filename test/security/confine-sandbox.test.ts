import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { ensureToolUser } from '../../src/session/agent/sandbox/sandbox-setup.js';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';
import {
  completes,
  makeTempDir,
  runSession,
  toolResultsSeen,
  workerRepo,
} from '../session/agent-fixtures.js';
import { confinedSession, describeAsRoot, NOT_ROOT, useThrowawayUser } from './confine-fixtures.js';
import { type Holes, openHoles } from './sandbox-holes.js';

/**
 * Issue: packet rules on the tools user's uid (the earlier confinement) see
 * neither DNS asked of systemd-resolved over D-Bus or varlink (it leaves as
 * resolved's own user), nor a crontab or at job (it runs later, as cron's),
 * and a loop of short-lived processes outran the kill by uid. Each attack
 * runs as the model's command in a real session, in the real sandbox, as a
 * throwaway tools user; the host's side of each is set up here and shown
 * reachable from outside first, so that a test can fail.
 */
const USER = useThrowawayUser('x');
beforeAll(async () => {
  // The tests below start processes as the user before a session would make it.
  if (!NOT_ROOT) await ensureToolUser(USER);
});
const PROBE = readFileSync(new URL('./reach-probe.cjs', import.meta.url), 'utf8');
const execFileAsync = promisify(execFile);
const run = (program: string, args: string[]) =>
  spawnSync(findProgram(program, SYSTEM_PATH) ?? program, args, { encoding: 'utf8' });

let holders: ChildProcess[] = [];
afterEach(() => {
  for (const holder of holders) holder.kill('SIGKILL');
  holders = [];
});

/** The lines reach-probe.cjs printed, by target. */
function probed(seen: string, targets: Record<string, string>): Record<string, string> {
  const lines = seen.split('\n');
  return Object.fromEntries(
    Object.entries(targets).map(([name, target]) => [
      name,
      lines.find((line) => line.startsWith(`${target} `))?.slice(target.length + 1) ?? 'not probed',
    ]),
  );
}

describe('a session with no sandbox asked for', () => {
  /** A work session with no tools user, as a session is handed it, whose model runs `command`. */
  async function unsandboxed(command: string, config?: string) {
    const { root } = await workerRepo(config ? { config } : {});
    return runSession({
      root,
      env: { BATON_WORKER: 'W1.1', BATON_TOOL_USER: undefined },
      replies: [reply(toolUse('bash', { command })), completes()],
      options: { unconfined: false },
    });
  }

  it('stops before the model’s first turn while session.network limits the network, saying what to set', async () => {
    const { result, requests } = await unsandboxed('echo ran');
    expect(result.status).toBe('failed');
    expect(result.reason).toContain(
      'session.network limits what the model’s commands reach, which needs the sandbox: set BATON_TOOL_USER',
    );
    expect(requests).toEqual([]);
  });

  it('runs the commands unconfined only where session.network is open', async () => {
    const { result, requests } = await unsandboxed(
      'echo ran-unconfined',
      'session:\n  network: open\n',
    );
    expect(result.status).toBe('complete');
    expect(toolResultsSeen(requests)).toContain('ran-unconfined');
  });
});

describeAsRoot('the model’s commands and what the machine serves', () => {
  let holes: Holes;
  beforeAll(async () => {
    holes = await openHoles();
  });
  afterAll(() => holes.close());

  it('reach no system bus, no resolved varlink, no stub resolver, no other loopback service, no abstract socket', async () => {
    // Outside the sandbox, the tools user reaches each one, running a copy of the probe it may
    // read: the checkout may sit in a folder only root enters (a clone in `mktemp -d`, a 0750 home).
    const probeDir = await makeTempDir('baton-probe-');
    await chmod(probeDir, 0o755);
    const probeFile = path.join(probeDir, 'probe.cjs');
    await writeFile(probeFile, PROBE, { mode: 0o644 });
    const { stdout: outside } = await execFileAsync(
      findProgram('setpriv', SYSTEM_PATH) ?? 'setpriv',
      [
        `--reuid=${USER}`,
        `--regid=${USER}`,
        '--clear-groups',
        process.execPath,
        probeFile,
        ...Object.values(holes.targets),
      ],
      { encoding: 'utf8' },
    );
    for (const result of Object.values(probed(outside, holes.targets)))
      expect(result).toMatch(/^REACHED/);
    const session = await confinedSession({
      user: USER,
      files: { 'probe.cjs': PROBE },
      commands: [
        `node probe.cjs ${Object.values(holes.targets).join(' ')}; dbus-send --system --print-reply --dest=org.freedesktop.resolve1 /org/freedesktop/resolve1 org.freedesktop.DBus.Peer.Ping 2>&1 | head -1; getent hosts registry.npmjs.org || echo "no answer"`,
      ],
    });
    const inside = probed(session.seen, holes.targets);
    for (const [name, result] of Object.entries(inside))
      expect({ name, result }).toEqual({ name, result: expect.stringMatching(/^BLOCKED/) });
    expect(session.seen).not.toContain('REACHED');
    expect(session.seen).toContain('no answer');
    expect(session.result.status).toBe('complete');
  });
});

describeAsRoot('the model’s commands and what outlives them', () => {
  it('cannot leave a crontab or an at job to run after the session', async () => {
    const session = await confinedSession({
      user: USER,
      commands: [
        `echo '* * * * * id > /var/tmp/cron-ran' | crontab - ; echo "crontab: $?"; echo 'id > /var/tmp/at-ran' | at now + 1 minute; echo "at: $?"`,
      ],
    });
    expect(session.seen).toMatch(/crontab: [1-9]/);
    expect(session.seen).toMatch(/at: [1-9]/);
    expect(run('crontab', ['-l', '-u', USER]).status).not.toBe(0);
    const queued = run('atq', []).stdout;
    expect(queued.split('\n').filter((line) => line.includes(USER))).toEqual([]);
  });

  it('ends a fork loop, a setsid daemon and a double fork with the command that started them', async () => {
    const session = await confinedSession({
      user: USER,
      commands: [
        `(while true; do (sleep 1 &); done) >/dev/null 2>&1 & setsid nohup sleep 1000 >/dev/null 2>&1 &
         python3 -c 'import os,time
if os.fork() == 0:
  os.setsid()
  if os.fork() == 0: time.sleep(1000)
  os._exit(0)' 2>/dev/null
         # Waits for the loop to have made its processes, however busy the machine.
         until [ "$(ls /proc | grep -c '^[0-9]')" -gt 20 ]; do sleep 0.1; done
         echo "processes: $(ls /proc | grep -c '^[0-9]')"`,
        // Never ends by itself: the command's time limit ends it.
        `(while true; do (sleep 1 &); done) >/dev/null 2>&1 & sleep 1000`,
      ],
      // Long enough for the first command on a loaded machine; the second needs it to end.
      limits: { commandTimeoutMs: 10_000 },
    });
    const count = Number(/processes: (\d+)/.exec(session.seen)?.[1]);
    expect(count).toBeGreaterThan(20);
    expect(session.seen).toContain('[killed after 10 s');
    // Nothing of the tools user's is left on the machine the moment the session answered.
    expect(run('pgrep', ['-u', USER]).status).toBe(1);
    expect(session.result.status).toBe('complete');
  });
});

describeAsRoot('the model’s commands and the job’s files and processes', () => {
  it('see no file of the job’s, not even world-readable ones, and no process outside, the tools user’s own included', async () => {
    const secret = 'JOB-SECRET-0a9f';
    // A world-readable file in /tmp, in the runner's temp folder (its file commands) and home.
    const runnerTemp = await mkdtemp('/var/lib/baton-runner-temp-');
    await chmod(runnerTemp, 0o755);
    await writeFile(path.join(runnerTemp, 'set_env'), `TOKEN=${secret}\n`, { mode: 0o644 });
    // The setup's virtualenv there is shown again, read-only (docs/sessions.md's Python example).
    await mkdir(path.join(runnerTemp, 'venv'), { mode: 0o755 });
    await writeFile(path.join(runnerTemp, 'venv', 'marker'), 'the venv\n', { mode: 0o644 });
    const tmpFile = `/tmp/baton-job-file-${process.pid}`;
    await writeFile(tmpFile, `${secret}\n`, { mode: 0o644 });
    const saved = { RUNNER_TEMP: process.env.RUNNER_TEMP, VIRTUAL_ENV: process.env.VIRTUAL_ENV };
    process.env.RUNNER_TEMP = runnerTemp;
    process.env.VIRTUAL_ENV = path.join(runnerTemp, 'venv');
    // The job's process with the model key, and one of the tools user's own started outside.
    const job = spawn('sleep', ['60'], { env: { ...process.env, ANTHROPIC_API_KEY: secret } });
    const tools = spawn(
      findProgram('setpriv', SYSTEM_PATH) ?? 'setpriv',
      [
        `--reuid=${USER}`,
        `--regid=${USER}`,
        '--clear-groups',
        'env',
        `LEFT=${secret}`,
        'sleep',
        '60',
      ],
      { stdio: 'ignore' },
    );
    holders.push(job, tools);
    try {
      // Once `env` has run `sleep` with the variable, however busy the machine.
      await until(() => readFileSync(`/proc/${tools.pid}/environ`, 'utf8').includes(secret));
      const session = await confinedSession({
        user: USER,
        commands: [
          `cat ${tmpFile} ${runnerTemp}/set_env /proc/${job.pid}/environ /proc/${tools.pid}/environ; kill -0 ${tools.pid} && echo SIGNALLED; ls /home /root /tmp /run; echo "processes: $(ls /proc | grep -c '^[0-9]')"; cat "$VIRTUAL_ENV/marker"; touch "$VIRTUAL_ENV/x"`,
        ],
      });
      expect(session.seen).not.toContain(secret);
      expect(session.seen).not.toContain('SIGNALLED');
      expect(session.seen).toMatch(/\/proc\/\d+\/environ: No such file or directory/);
      expect(Number(/processes: (\d+)/.exec(session.seen)?.[1])).toBeLessThan(10);
      expect(session.seen).toContain('the venv');
      expect(session.seen).toMatch(/venv\/x': Read-only file system/);
      expect(session.result.status).toBe('complete');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await rm(runnerTemp, { recursive: true, force: true });
      await rm(tmpFile, { force: true });
    }
  });

  it('gain nothing from setuid-root binaries, sudo, capabilities or a user namespace', async () => {
    // A setuid-root copy of cat where the tools user may run it (outside the hidden folders).
    const dir = await mkdtemp('/var/lib/baton-suid-');
    await chmod(dir, 0o755);
    const suid = path.join(dir, 'cat');
    await copyFile(findProgram('cat', SYSTEM_PATH) ?? '/bin/cat', suid);
    await chmod(suid, 0o4755);
    try {
      // Outside the sandbox the tools user reads /etc/shadow with it: the binary works.
      expect(
        run('setpriv', [
          `--reuid=${USER}`,
          `--regid=${USER}`,
          '--clear-groups',
          suid,
          '/etc/shadow',
        ]).stdout,
      ).toMatch(/^root:/);
      const session = await confinedSession({
        user: USER,
        commands: [
          `${suid} /etc/shadow | head -c 5; echo; sudo -n id; echo "sudo: $?"; unshare -Ur id -u; echo "unshare: $?"; grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status`,
        ],
      });
      expect(session.seen).not.toMatch(/root:|uid=0/);
      expect(session.seen).toMatch(/sudo: [1-9]/);
      expect(session.seen).toMatch(/unshare: [1-9]/);
      expect(session.seen).toMatch(/CapEff:\s+0+\n/);
      expect(session.seen).toMatch(/CapBnd:\s+0+\n/);
      expect(session.seen).toMatch(/NoNewPrivs:\s+1\n/);
      expect(session.seen).toMatch(/Seccomp:\s+2\n/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describeAsRoot('the sandbox’s folders', () => {
  it('leave the copy and its home writable to the tools user, and nothing else', async () => {
    await mkdir('/var/lib', { recursive: true });
    const session = await confinedSession({
      user: USER,
      commands: [
        'echo made > made.txt && echo "copy: ok"; echo x > "$HOME/x" && echo "home: ok"; touch /baton-x /etc/baton-x /usr/local/bin/baton-x /var/lib/baton-x 2>&1 | grep -c "Read-only file system"',
      ],
    });
    expect(session.seen).toContain('copy: ok');
    expect(session.seen).toContain('home: ok');
    expect(session.seen).toMatch(/^4$/m);
    expect(run('ls', ['/etc/baton-x']).status).not.toBe(0);
  });
});

/** Resolves once `ready` holds, asked every 20 ms (a process's state has no event to wait on). */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 20));
}
