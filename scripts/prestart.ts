// `npm start`'s first step (`prestart`): refuse a Node older than `engines`,
// then build dist/ only where it is missing or older than what it is built
// from (scripts/stale-build.ts), so a start of a built tree takes seconds
// rather than the minute a type-checked build takes (docs/development.md).
import '../src/refuse-old-node.js';
import { spawnSync } from 'node:child_process';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_STAMP, staleBuild } from './stale-build.js';

// npm runs a package's scripts in its root.
const root = process.cwd();
const why = staleBuild(root);
if (why) {
  process.stderr.write(`baton: ${why}: building it (npm run build, about a minute)\n`);
  // The build's start is its time: a file changed while it ran is newer, and builds again.
  const started = new Date();
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  writeFileSync(join(root, BUILT_STAMP), '');
  utimesSync(join(root, BUILT_STAMP), started, started);
}
