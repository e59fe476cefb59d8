import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathsNamedIn } from '../../../core/memory/choose-lessons.js';
import { briefPath } from '../../../core/vocabulary/ids.js';

/** The paths a worker's brief names, for its lessons' `paths`; null (every path) when it names none or cannot be read. */
export async function briefPaths(
  root: string,
  build: string,
  worker: string,
): Promise<string[] | null> {
  const text = await readFile(path.join(root, briefPath(build, worker)), 'utf8').catch(() => null);
  return text === null ? null : pathsNamedIn(text);
}
