/**
 * The app's own source as the house's bars read it (docs/development.md): every
 * TypeScript file under `src/`, read from the disk, so a check needs no git and
 * no process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SourceFile {
  /** Relative to the root, with `/`: `src/core/verification/risk.ts`. */
  path: string;
  text: string;
}

/** Every `.ts` and `.tsx` file under `folder` (relative to the root), in path order. */
export function sourceFiles(folder = 'src'): SourceFile[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .map((name) => `${folder}/${name.split('\\').join('/')}`)
    .filter((path) => /\.tsx?$/.test(path) && !path.endsWith('.d.ts'))
    .sort()
    .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

/** Lines as `wc -l` counts them: the newlines, so a last line without one is not counted. */
export function lineCount(text: string): number {
  return text.split('\n').length - 1;
}
