import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  confinedSession,
  describeAsRoot,
  publicDir,
  rootOnlyMarker,
  useThrowawayUser,
} from './confine-fixtures.js';

const USER = useThrowawayUser('s');
const FAKE_KEY = 'sk-ant-fake-key-held-by-the-job-7d1e';

let holder: ChildProcess | undefined;

afterEach(async () => {
  holder?.kill('SIGKILL');
  holder = undefined;
});

describeAsRoot(`the model's commands and the job's secrets`, () => {
  it('cannot read the model key from /proc/<pid>/environ of the job’s processes', async () => {
    // A process of the job's user that holds the key, as `baton session agent` does.
    holder = spawn('sleep', ['60'], { env: { ...process.env, ANTHROPIC_API_KEY: FAKE_KEY } });
    const run = await confinedSession({
      user: USER,
      commands: [
        `for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f" 2>/dev/null; done | grep -c ANTHROPIC_API_KEY=; cat /proc/${holder.pid}/environ`,
      ],
    });
    // The job's processes are in another pid namespace: not there at all.
    expect(run.seen).toContain(`/proc/${holder.pid}/environ: No such file or directory`);
    expect(run.seen).not.toContain(FAKE_KEY);
  });

  it('cannot read a token file the job’s user keeps', async () => {
    const dir = await publicDir();
    const token = path.join(dir, 'token');
    await writeFile(token, 'ghs_fake_token_file_0123456789\n');
    await chmod(token, 0o600);
    const run = await confinedSession({ user: USER, commands: [`cat ${token}`] });
    // The job's temp folders are not there at all (and the file is the job user's only).
    expect(run.seen).toContain('No such file or directory');
    expect(run.seen).not.toContain('ghs_fake_token_file');
  });

  it('cannot gain root through sudo', async () => {
    const marker = await rootOnlyMarker('root');
    const run = await confinedSession({
      user: USER,
      commands: [
        `sudo -n true; echo "sudo: $?"; sudo -n touch ${marker}; su -c "touch ${marker}" </dev/null`,
      ],
    });
    expect(existsSync(marker)).toBe(false);
    expect(run.seen).toMatch(/sudo: [1-9]/);
    expect(run.result.status).toBe('complete');
  });

  it('leaves no process of the model’s running when Baton reads the tree and after the session', async () => {
    const run = await confinedSession({
      user: USER,
      commands: [
        // A background writer that would change the tree while Baton commits it.
        `(while true; do ln -sfn /etc late-link 2>/dev/null; sleep 0.01; done) >/dev/null 2>&1 & disown; nohup sleep 600 >/dev/null 2>&1 & echo started`,
      ],
    });
    expect(run.seen).toContain('started');
    expect(spawnSync('pgrep', ['-u', USER]).status).toBe(1);
    expect(run.result.status).toBe('complete');
  });
});
