import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';

/**
 * The app's key out of the step's process, but for the copy read here
 * (docs/security.md, "Server-less mode"). The workflow hands it to the step in
 * its environment (`BATON_APP_PRIVATE_KEY`), and deleting it from
 * `process.env` edits only the process's own list: the kernel keeps the
 * environment the process started with, in its memory, for its whole life,
 * and any process of the job's user reads it (`cat /proc/<pid>/environ`,
 * which the kernel allows any process of the same user, unlike its memory,
 * which Yama's `ptrace_scope` 1, Ubuntu's default, keeps to its ancestors). So the
 * value is taken, the variable deleted (no program the step starts inherits
 * it), and its bytes in that first environment overwritten with zeros through
 * `/proc/self/mem`: from the first milliseconds of the step on, only the
 * process's heap holds the key. The same for a workflow installed before this
 * (the variable is all it ever gave). Elsewhere than Linux there is no
 * `/proc/<pid>/environ` to erase.
 */
export const PROCESS_SECRETS = ['BATON_APP_PRIVATE_KEY'] as const;

/** The environment to read, with the secrets taken out of the process's own and erased from its first one. */
export function takeProcessSecrets(
  given: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const source = { ...given };
  const present = PROCESS_SECRETS.filter((name) => process.env[name] !== undefined);
  for (const name of PROCESS_SECRETS) delete process.env[name];
  if (present.length > 0 && process.platform === 'linux') {
    const failed = eraseInitialEnvironment(present);
    if (failed) {
      process.stderr.write(
        `baton: could not erase ${present.join(', ')} from this process's first environment (${failed}); any process of the job's user can read it in /proc/${process.pid}/environ while this step runs\n`,
      );
    }
  }
  return source;
}

/**
 * Overwrites the values of `names` in the environment this process started
 * with (the block `/proc/self/stat` places at `env_start`–`env_end`, what
 * `/proc/<pid>/environ` shows) with zeros. Null when done, else why not.
 */
export function eraseInitialEnvironment(names: readonly string[]): string | null {
  let fd: number | null = null;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command's `)`; env_start and env_end are fields 50 and 51 (proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[50 - 3]);
    const end = Number(fields[51 - 3]);
    if (!Number.isSafeInteger(start) || !(end > start)) return 'no environment in /proc/self/stat';
    fd = openSync('/proc/self/mem', 'r+');
    const block = Buffer.alloc(end - start);
    readSync(fd, block, 0, block.length, start);
    for (const [offset, length] of valuesOf(block, names)) {
      writeSync(fd, Buffer.alloc(length), 0, length, start + offset);
    }
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Where the value of each `NAME=value` entry of `names` sits in a block of NUL-ended entries. */
function valuesOf(block: Buffer, names: readonly string[]): [number, number][] {
  const found: [number, number][] = [];
  let at = 0;
  while (at < block.length) {
    const next = block.indexOf(0, at);
    const entryEnd = next === -1 ? block.length : next;
    for (const name of names) {
      const prefix = Buffer.from(`${name}=`);
      if (entryEnd - at >= prefix.length && block.subarray(at, at + prefix.length).equals(prefix)) {
        found.push([at + prefix.length, entryEnd - at - prefix.length]);
      }
    }
    at = entryEnd + 1;
  }
  return found;
}
