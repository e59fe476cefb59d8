import { describe, expect, it } from 'vitest';
import {
  HIDDEN_ROOTS,
  type SandboxLayout,
  sandboxCommand,
} from '../../src/session/agent/sandbox/sandbox-command.js';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';

/** Where the system has it (the line names every program by its absolute path). */
function at(name: string): string {
  return findProgram(name, SYSTEM_PATH) ?? `(${name} is not installed)`;
}
const INSTALLED = ['bash', 'bwrap', 'nsenter', 'timeout', 'prlimit', 'setpriv', 'sudo'].every(
  (name) => findProgram(name, SYSTEM_PATH),
);

const layout: SandboxLayout = {
  user: { name: 'baton-tools', uid: 1001, gid: 1002 },
  workDir: '/tmp/baton-session-x/work',
  home: '/tmp/baton-session-x/home',
  hide: ['/tmp/baton-session-x', '/srv/runner/_work', '/srv/runner/_work/_temp'],
  readOnly: ['/srv/runner/_work/_tool', '/opt/hostedtoolcache'],
  seccompFile: '/tmp/baton-session-x/run/seccomp.bpf',
  infoFile: '/tmp/baton-session-x/run/run-1.json',
  envFile: '/tmp/baton-session-x/run/run-1.env',
  network: '/run/netns/baton-1-1',
  exists: (path) => path !== '/media',
  root: [
    { name: 'usr', kind: 'dir' },
    { name: 'bin', kind: 'link', target: 'usr/bin' },
    { name: 'etc', kind: 'dir' },
    { name: '.dockerenv', kind: 'file' },
    { name: 'dev', kind: 'dir' },
    { name: 'proc', kind: 'dir' },
    { name: 'run', kind: 'dir' },
    { name: 'tmp', kind: 'dir' },
    { name: 'home', kind: 'dir' },
    { name: 'srv', kind: 'dir' },
    { name: 'var', kind: 'dir' },
  ],
};
const run = {
  argv: ['/usr/bin/bash', '-c', 'npm test'],
  env: { PATH: '/usr/bin', CI: 'true' },
  timeoutMs: 90_500,
};

/** bwrap's arguments in the line, and what comes before them. */
function split(line: { file: string; args: string[] }) {
  const all = [line.file, ...line.args];
  const bwrap = all.indexOf(at('bwrap'));
  return { before: all.slice(0, bwrap), bwrap: all.slice(bwrap + 1) };
}

/** The arguments bwrap reads from the environment's file: each ends with a NUL. */
function environment(line: { environment: string }): string[] {
  expect(line.environment.endsWith('\0')).toBe(true);
  return line.environment.slice(0, -1).split('\0');
}

/** The pairs of `--flag value` (or value pairs) in the arguments. */
function pairs(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag ? [args[i + 1] ?? ''] : []));
}

describe.skipIf(!INSTALLED)(
  'sandboxCommand (skipped: needs bubblewrap, util-linux and sudo installed)',
  () => {
    it('runs bwrap as root, in the session’s network namespace, with its files opened by a shell', () => {
      const { before } = split(sandboxCommand(layout, run));
      const root = process.getuid?.() === 0 ? [] : [at('sudo'), '-n', '--'];
      expect(before).toEqual([
        ...root,
        at('bash'),
        '-c',
        expect.stringContaining('exec 3<"$1" 4>"$2" 5<"$3"'),
        'bash',
        layout.seccompFile,
        layout.infoFile,
        layout.envFile,
        at('nsenter'),
        '--net=/run/netns/baton-1-1',
        '--',
      ]);
      expect(split(sandboxCommand({ ...layout, network: null }, run)).before).not.toContain(
        at('nsenter'),
      );
    });

    it('hides every user’s files, temp folders and /run, the runner’s folders, and shows the tool cache again', () => {
      const { bwrap } = split(sandboxCommand(layout, run));
      expect(pairs(bwrap, '--tmpfs')).toEqual([
        '/dev/shm',
        ...HIDDEN_ROOTS.filter((root) => root !== '/media'),
        // Folders under a hidden root are hidden already.
        '/srv/runner/_work',
      ]);
      expect(pairs(bwrap, '--ro-bind')).toEqual([
        '/usr',
        '/etc',
        '/.dockerenv',
        '/srv',
        '/var',
        '/srv/runner/_work/_tool',
      ]);
      expect(pairs(bwrap, '--symlink')).toEqual(['usr/bin']);
      expect(bwrap.join(' ')).toContain('--symlink usr/bin /bin');
      expect(bwrap.join(' ')).toContain('--remount-ro /');
      expect(bwrap).toEqual(
        expect.arrayContaining([
          '--unshare-pid',
          '--unshare-ipc',
          '--die-with-parent',
          '--new-session',
        ]),
      );
      expect(bwrap).not.toContain('--unshare-user');
    });

    it('binds no mount under /run, /dev, /proc or a hidden root: another session’s namespace under /run/netns may go at any time', () => {
      // bwrap remounts every mount it binds read-only, and one deleted meanwhile ends the run.
      const { bwrap } = split(sandboxCommand(layout, run));
      const bound = pairs(bwrap, '--ro-bind');
      const top = HIDDEN_ROOTS.filter((root) => root.lastIndexOf('/') === 0);
      for (const root of ['/', '/dev', '/proc', ...top])
        expect(bound.filter((dir) => dir === root || root.startsWith(`${dir}/`))).toEqual([]);
    });

    it('binds the copy and the home writable, reachable through folders the tools user may enter', () => {
      const { bwrap } = split(sandboxCommand(layout, run));
      const text = bwrap.join(' ');
      expect(text).toContain(
        '--perms 0755 --dir /tmp/baton-session-x --bind /tmp/baton-session-x/work /tmp/baton-session-x/work',
      );
      expect(text).toContain('--bind /tmp/baton-session-x/home /home/baton-tools');
      expect(pairs(bwrap, '--chdir')).toEqual([layout.workDir]);
    });

    it('passes the run’s environment and nothing else, from a file, never on a command line', () => {
      const line = sandboxCommand(layout, {
        ...run,
        env: { ...run.env, TOKEN: 'baton-session-1' },
      });
      const { bwrap } = split(line);
      expect(bwrap.join(' ')).toContain('--clearenv --args 5');
      expect(bwrap).not.toContain('--setenv');
      expect(line.args.join(' ')).not.toContain('baton-session-1');
      expect(pairs(environment(line), '--setenv')).toEqual([
        'PATH',
        'CI',
        'TOKEN',
        'HOME',
        'USER',
        'LOGNAME',
        'TMPDIR',
      ]);
      expect(environment(line).join(' ')).toContain(
        '--setenv HOME /home/baton-tools --setenv USER baton-tools',
      );
    });

    it('withholds the workflow’s file commands, whatever the run’s environment holds', () => {
      const fileCommands = {
        GITHUB_ENV: '/srv/runner/_work/_temp/_runner_file_commands/set_env_0f3a',
        GITHUB_PATH: '/srv/runner/_work/_temp/_runner_file_commands/add_path_0f3a',
        GITHUB_OUTPUT: '/srv/runner/_work/_temp/_runner_file_commands/set_output_0f3a',
        GITHUB_STATE: '/srv/runner/_work/_temp/_runner_file_commands/save_state_0f3a',
        GITHUB_STEP_SUMMARY: '/srv/runner/_work/_temp/_runner_file_commands/step_summary_0f3a',
      };
      const line = sandboxCommand(layout, {
        ...run,
        env: { ...run.env, ...fileCommands, GITHUB_REPOSITORY: 'o/r' },
      });
      expect(pairs(environment(line), '--setenv')).toEqual([
        'PATH',
        'CI',
        'GITHUB_REPOSITORY',
        'HOME',
        'USER',
        'LOGNAME',
        'TMPDIR',
      ]);
      expect(line.environment).not.toContain('_runner_file_commands');
    });

    it('searches no folder of the copy and no relative or empty entry of PATH, where a worker’s node_modules/.bin would be found', () => {
      const line = sandboxCommand(layout, {
        ...run,
        env: {
          ...run.env,
          PATH: `node_modules/.bin::.:${layout.workDir}/node_modules/.bin:${layout.workDir}:/srv/runner/_work/_tool/node/24/x64/bin:/usr/bin`,
        },
      });
      const values = environment(line);
      expect(values[values.indexOf('PATH') + 1]).toBe(
        '/srv/runner/_work/_tool/node/24/x64/bin:/usr/bin',
      );
    });

    it('ends in the tools user with no capability, no new privileges, the filter, a timer and a process limit', () => {
      const { bwrap } = split(sandboxCommand(layout, run));
      const command = bwrap.slice(bwrap.indexOf('--') + 1);
      expect(command).toEqual([
        at('timeout'),
        '--signal=KILL',
        '91',
        at('prlimit'),
        '--nproc=8192:8192',
        '--',
        at('setpriv'),
        '--reuid=1001',
        '--regid=1002',
        '--clear-groups',
        '--inh-caps=-all',
        '--ambient-caps=-all',
        '--bounding-set=-all',
        '--no-new-privs',
        '--',
        ...run.argv,
      ]);
      expect(pairs(bwrap, '--seccomp')).toEqual(['3']);
      expect(pairs(bwrap, '--cap-add')).toEqual(['CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP']);
    });
  },
);
