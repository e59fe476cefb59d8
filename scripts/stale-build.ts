// Whether dist/ is current, for `npm start` (scripts/prestart.ts): built by a
// start that succeeded, after the last change to what it is built from.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Written into dist/ after a build `npm start` ran succeeded; its time is the build's. */
export const BUILT_STAMP = 'dist/.built';

/** What dist/ is built from, beside src/: a change to any of them builds again. */
const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** Why `root`'s dist/ must be built before a start; null when it is current. */
export function staleBuild(root: string): string | null {
  const stamp = join(root, BUILT_STAMP);
  if (!existsSync(join(root, 'dist/src/main.js')) || !existsSync(stamp))
    return 'dist/ is not built yet';
  const built = statSync(stamp).mtimeMs;
  const newer = [...filesUnder(join(root, 'src')), ...INPUTS.map((file) => join(root, file))].find(
    (file) => existsSync(file) && statSync(file).mtimeMs > built,
  );
  return newer ? `${newer.slice(root.length + 1)} changed since dist/ was built` : null;
}

function* filesUnder(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}
