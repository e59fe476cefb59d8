import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** The most bytes of a hand-in Baton reads: a plan with sixty briefs stays far below. */
export const HAND_IN_MAX_BYTES = 2 * 1024 * 1024;

/** What an engine left in its hand-in file. */
export type HandIn =
  | { kind: 'json'; value: unknown }
  | { kind: 'missing' }
  | { kind: 'refused'; problem: string };

/**
 * Reads the hand-in an engine wrote, as the job's user, from a folder the
 * tools user can write: so it is opened without following a link (a link to a
 * file of the job's user, the key's, would be read with the job's rights),
 * must be a regular file owned by the tools user's uid when one is given, and
 * is read only up to its cap. Problems are said without quoting the content.
 */
export async function readHandIn(
  file: string,
  { owner }: { owner: number | null },
): Promise<HandIn> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ELOOP')
      return {
        kind: 'refused',
        problem: 'the hand-in file is a symbolic link; write the JSON into the file itself',
      };
    return { kind: 'refused', problem: `the hand-in file cannot be opened (${code ?? 'error'})` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { kind: 'refused', problem: 'the hand-in is not a regular file' };
    if (owner !== null && stat.uid !== owner) {
      return {
        kind: 'refused',
        problem: 'the hand-in file is not the session’s own (another user owns it)',
      };
    }
    if (stat.size > HAND_IN_MAX_BYTES) {
      return {
        kind: 'refused',
        problem: `the hand-in is ${stat.size} bytes; at most ${HAND_IN_MAX_BYTES} are read`,
      };
    }
    const buffer = Buffer.alloc(Math.min(stat.size, HAND_IN_MAX_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    try {
      return { kind: 'json', value: JSON.parse(buffer.subarray(0, bytesRead).toString('utf8')) };
    } catch (error) {
      return {
        kind: 'refused',
        problem: `the hand-in is not valid JSON (${error instanceof SyntaxError ? error.message.replace(/".*"/, '…') : 'unreadable'})`,
      };
    }
  } finally {
    await handle.close();
  }
}
