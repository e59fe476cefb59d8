// `npm run release:version`, the release workflow's version step, run with
// no token (docs/releasing.md): reads the changesets' one-line summaries, runs
// `changeset version` (which bumps package.json and removes the changesets),
// then cuts CHANGELOG.md's "Unreleased" into the new version's section opened
// by those summaries, moves the README's clone to its tag, sets
// package-lock.json's version, and rebuilds the action's bundles, so the
// release pull request carries all of it and its merge commit is what the tag
// names. `release-version.ts notes VERSION` prints that version's section
// instead, cut to what GitHub takes in a release's body (`--pull-request`: in
// a pull request's); `--no-bundle` leaves the bundles (its test runs it on a copy
// without sources).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { changesetSummaries, cutRelease, pointReadme, releaseNotes } from './release-notes.js';

// The package being released: the folder it runs in (the workflow's checkout; a copy in its test).
const root = process.cwd();
const at = (file: string) => join(root, file);
const [command, asked] = process.argv.slice(2);
/** Changesets' CLI of the clone this script belongs to (a copy in the test has no node_modules). */
const CHANGESET = fileURLToPath(new URL('../node_modules/.bin/changeset', import.meta.url));

if (command === 'notes') {
  const target = process.argv.includes('--pull-request') ? 'pull-request' : 'release';
  process.stdout.write(releaseNotes(readFileSync(at('CHANGELOG.md'), 'utf8'), asked ?? '', target));
} else {
  const summaries = changesetSummaries(
    readdirSync(at('.changeset'))
      .filter((name) => name.endsWith('.md') && name !== 'README.md')
      .map((name) => ({ name, text: readFileSync(at(`.changeset/${name}`), 'utf8') })),
  );
  execFileSync(CHANGESET, ['version'], { cwd: root, stdio: 'inherit' });
  const { version } = JSON.parse(readFileSync(at('package.json'), 'utf8')) as { version: string };
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(
    at('CHANGELOG.md'),
    cutRelease(readFileSync(at('CHANGELOG.md'), 'utf8'), version, date, summaries),
  );
  writeFileSync(at('README.md'), pointReadme(readFileSync(at('README.md'), 'utf8'), version));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = (args: string[]) => execFileSync(npm, args, { cwd: root, stdio: 'inherit' });
  run(['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund']);
  if (!process.argv.includes('--no-bundle')) run(['run', 'bundle']);
  console.log(`Baton ${version}: CHANGELOG.md, README.md, package-lock.json and the bundles`);
}
