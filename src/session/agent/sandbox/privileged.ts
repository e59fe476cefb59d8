import { execFile } from 'node:child_process';
import { type Program, programEnv, programPath } from '../../programs.js';

/** A program and its arguments, ready for `spawn` or `execFile`. */
export interface CommandLine {
  file: string;
  args: string[];
}

/** Whether this process is root (CI, some self-hosted runners); else it asks sudo. */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * A command line run as root: as it is when this process is root, else
 * through passwordless sudo (`sudo -n`), which GitHub's hosted runners give
 * the job's user. sudo passes only stdin, stdout and stderr on: what the
 * sandbox needs open besides is opened by a shell it runs (sandbox-command.ts).
 */
export function asRoot(file: string, args: readonly string[]): CommandLine {
  if (isRoot()) return { file, args: [...args] };
  return { file: programPath('sudo'), args: ['-n', '--', file, ...args] };
}

/** How one program run as root ended. */
export interface Ran {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs one of the session's programs as root (programs.ts: by absolute path). */
export type RootExec = (program: Program, args: readonly string[]) => Promise<Ran>;

export const runAsRoot: RootExec = (program, args) => {
  const { file, args: line } = asRoot(programPath(program), args);
  return new Promise((resolve) => {
    execFile(file, line, { encoding: 'utf8', env: programEnv() }, (error, stdout, stderr) =>
      resolve({ ok: !error, stdout, stderr }),
    );
  });
};
