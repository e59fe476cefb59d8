import path from 'node:path';
import { programPath, searchPathOutside } from '../../programs.js';
import { asRoot, type CommandLine } from './privileged.js';
import type { ToolsUser } from './sandbox-setup.js';

/**
 * Folders that are empty inside the sandbox (a tmpfs each): every user's
 * home (the job's, with the runner's work folder and `$RUNNER_TEMP` on
 * GitHub's runners), temp folders, `/run` (the D-Bus and systemd-resolved
 * varlink sockets, docker's, sudo's timestamps, the session's own sockets),
 * cron and at spools, mail, mounts.
 */
export const HIDDEN_ROOTS = [
  '/home',
  '/root',
  '/tmp',
  '/var/tmp',
  '/run',
  '/mnt',
  '/media',
  '/var/spool',
  '/var/mail',
] as const;
const STICKY = new Set(['/tmp', '/var/tmp']);
/**
 * The workflow's file commands, which a run never gets whatever its
 * environment says: a line written to `$GITHUB_ENV` or `$GITHUB_PATH` changes
 * every later step of the job, and their names hold a random id, so a run
 * that is not told them cannot aim a link at them. (The runner's other folders
 * are hidden inside, `$RUNNER_TEMP` but for the setup's virtualenv, and their
 * variables stay for what a project's commands expect of them.)
 */
export const WITHHELD_VARIABLES: ReadonlySet<string> = new Set([
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
]);
/** RLIMIT_NPROC of the tools user while a run lasts: a fork bomb stops there. */
const MAX_PROCESSES = 8192;

/** Everything one run of the sandbox is made of. */
export interface SandboxLayout {
  user: ToolsUser;
  /** The session's copy of the checkout: read-write, at the same path, and the working directory. */
  workDir: string;
  /** The session's home for the tools user: read-write at `/home/<user>`. */
  home: string;
  /** More folders to hide (the runner's work folder, the session's own). */
  hide: readonly string[];
  /** Folders to show read-only again where a hidden one covers them (the tool cache). */
  readOnly: readonly string[];
  /** The seccomp program (seccomp-filter.ts) and where bwrap writes the run's pid 1 (`--info-fd`). */
  seccompFile: string;
  infoFile: string;
  /**
   * Where the run's environment waits for bwrap (`--args`, NUL-separated
   * `--setenv` triples), in the session's own folder: never on a command line,
   * which any user of the machine reads in `ps`. Removed once it is open.
   */
  envFile: string;
  /** The session's network namespace to join, or null: the host's (`session.network: open`). */
  network: string | null;
  /** Whether a path exists on the host (bwrap cannot make a mount point in a read-only folder). */
  exists: (path: string) => boolean;
  /** The host's `/`, entry by entry (`rootEntries`): the run's root is made of them. */
  root: readonly RootEntry[];
}

/** One entry of the host's `/`: a folder or file shown read-only, or a link made again. */
export type RootEntry =
  | { name: string; kind: 'dir' | 'file' }
  | { name: string; kind: 'link'; target: string };

/**
 * What of `/` is never bound: made anew (`/dev`, `/proc`), or a hidden root,
 * an empty tmpfs inside. Binding `/` whole would take every mount under
 * those too, and bwrap remounts each one read-only: another session's network
 * namespace under /run/netns, deleted between the bind and its remount, ends
 * the run with "Unable to apply mount flags".
 */
const NOT_BOUND: ReadonlySet<string> = new Set(['/dev', '/proc', ...HIDDEN_ROOTS]);

/** What one run executes. */
export interface SandboxRun {
  argv: readonly string[];
  /** The whole environment inside; nothing else passes. */
  env: Readonly<Record<string, string>>;
  /** After this long the run's pid 1 kills everything in it, whatever happened outside. */
  timeoutMs: number;
  /** Give the run a pipe for its standard input (an engine that takes messages while it runs); default none. */
  stdin?: boolean;
}

/**
 * A shell run as root opens the files bwrap reads and writes by descriptor
 * (sudo passes only 0, 1 and 2), removes the environment's file once it is
 * open, closes every other descriptor it inherited (as root without sudo,
 * whatever the job's processes left open without close-on-exec would reach
 * the run), sets the umask the tools user's files are made with (writable for
 * the job's user, who commits them), then becomes the rest of its arguments.
 * bash, since dash cannot close a descriptor above 9.
 */
const OPEN_FILES = [
  'exec 3<"$1" 4>"$2" 5<"$3" || exit 125',
  'rm -f -- "$3"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's own parameter expansion
  'for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 5 ] && eval "exec $fd<&-"; done',
  'umask 000',
  'shift 3',
  'exec "$@"',
].join('; ');

/** One run's command line, and its environment as bwrap reads it from the environment's file. */
export interface SandboxCommandLine extends CommandLine {
  /** `--setenv NAME VALUE` arguments, each ended by a NUL, for `layout.envFile`. */
  environment: string;
}

/**
 * The command line of one run (docs/security.md, "Confinement of the model's
 * commands"): bubblewrap as root, without a user namespace (so Ubuntu's
 * restriction of unprivileged user namespaces does not apply), in new pid,
 * ipc, uts and cgroup namespaces and the session's network namespace; the
 * system read-only (the host's `/` entry by entry, never its mounts under
 * HIDDEN_ROOTS), HIDDEN_ROOTS empty, the copy and the home writable;
 * then `timeout`, `prlimit` and `setpriv` to the tools user with no
 * capability (bounding set included), no new privileges and the seccomp
 * filter. When pid 1 ends, the kernel ends every process of the run.
 */
export function sandboxCommand(layout: SandboxLayout, run: SandboxRun): SandboxCommandLine {
  const enter = layout.network ? [programPath('nsenter'), `--net=${layout.network}`, '--'] : [];
  const line = asRoot(programPath('bash'), [
    '-c',
    OPEN_FILES,
    'bash',
    layout.seccompFile,
    layout.infoFile,
    layout.envFile,
    ...enter,
    programPath('bwrap'),
    ...bwrapArgs(layout, run),
  ]);
  // Each argument ends with a NUL, as bwrap reads them.
  const environment = environmentArgs(layout, run)
    .map((arg) => `${arg}\0`)
    .join('');
  return { ...line, environment };
}

/** `--setenv` for each variable of the run (the workflow's file commands withheld), and the user's own. */
function environmentArgs(layout: SandboxLayout, run: SandboxRun): string[] {
  const { user } = layout;
  const passed = Object.entries(run.env).filter(([name]) => !WITHHELD_VARIABLES.has(name));
  const env = {
    ...Object.fromEntries(passed),
    // What runs by name (an engine's own git, the test command's npm) is never the copy's; the
    // checkout itself is hidden inside, the toolchain's folders shown again (`readOnly`) stay.
    ...(run.env.PATH === undefined
      ? {}
      : { PATH: searchPathOutside(run.env.PATH, [layout.workDir]) }),
    HOME: `/home/${user.name}`,
    USER: user.name,
    LOGNAME: user.name,
    TMPDIR: '/tmp',
  };
  return Object.entries(env).flatMap(([name, value]) => ['--setenv', name, value]);
}

function bwrapArgs(layout: SandboxLayout, run: SandboxRun): string[] {
  const { user } = layout;
  const home = `/home/${user.name}`;
  const args = [
    '--die-with-parent',
    '--new-session',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--hostname',
    'baton-sandbox',
    '--unshare-cgroup-try',
    ...rootArgs(layout.root),
    '--dev',
    '/dev',
    '--perms',
    '1777',
    '--tmpfs',
    '/dev/shm',
    '--proc',
    '/proc',
  ];
  const roots = HIDDEN_ROOTS.filter((root) => layout.exists(root));
  for (const root of roots)
    args.push(...(STICKY.has(root) ? ['--perms', '1777'] : []), '--tmpfs', root);
  // A folder under another hidden one is hidden already.
  const covered = (dir: string) =>
    roots.some((root) => isUnder(dir, root)) ||
    layout.hide.some((other) => other !== dir && isUnder(dir, other));
  for (const dir of layout.hide) {
    if (!covered(dir) && layout.exists(dir)) args.push('--tmpfs', dir);
  }
  const hidden = [...roots, ...layout.hide];
  const mount = (kind: '--bind' | '--ro-bind', source: string, target: string) =>
    args.push(...parents(target, hidden), kind, source, target);
  for (const dir of layout.readOnly) {
    if (hidden.some((root) => isUnder(dir, root)) && layout.exists(dir))
      mount('--ro-bind', dir, dir);
  }
  mount('--bind', layout.home, home);
  mount('--bind', layout.workDir, layout.workDir);
  // The root's own folder (bwrap's tmpfs, where the entries were made) is read-only too.
  args.push('--remount-ro', '/');
  // The environment comes from descriptor 5 (the environment's file), after nothing is left of the host's.
  args.push('--chdir', layout.workDir, '--clearenv', '--args', '5');
  args.push(
    // Root inside keeps only what setpriv needs to become the tools user.
    '--cap-drop',
    'ALL',
    '--cap-add',
    'CAP_SETUID',
    '--cap-add',
    'CAP_SETGID',
    '--cap-add',
    'CAP_SETPCAP',
    '--seccomp',
    '3',
    '--info-fd',
    '4',
    '--',
    programPath('timeout'),
    '--signal=KILL',
    String(Math.max(1, Math.ceil(run.timeoutMs / 1000))),
    programPath('prlimit'),
    `--nproc=${MAX_PROCESSES}:${MAX_PROCESSES}`,
    '--',
    programPath('setpriv'),
    `--reuid=${user.uid}`,
    `--regid=${user.gid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--ambient-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
    '--',
    ...run.argv,
  );
  return args;
}

/** The run's root: each entry of the host's `/` bound read-only where it is, each link made again, but `NOT_BOUND`. */
function rootArgs(root: readonly RootEntry[]): string[] {
  return root.flatMap((entry) => {
    const at = `/${entry.name}`;
    if (NOT_BOUND.has(at)) return [];
    return entry.kind === 'link' ? ['--symlink', entry.target, at] : ['--ro-bind', at, at];
  });
}

/**
 * `--perms 0755 --dir` for each folder between a hidden root and `target`:
 * bwrap would make them 0700 root, and the tools user could not reach the
 * mount below.
 */
function parents(target: string, hidden: readonly string[]): string[] {
  const made: string[] = [];
  for (let dir = path.dirname(target); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (hidden.some((root) => dir !== root && isUnder(dir, root)))
      made.unshift('--perms', '0755', '--dir', dir);
  }
  return made;
}

function isUnder(dir: string, root: string): boolean {
  const relative = path.relative(root, dir);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
