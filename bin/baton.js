#!/usr/bin/env node
// The package's `baton` command (npm: @baton-dev/baton). It runs the build in
// dist (npm run build; the published package ships it, built by `prepack`); a
// checkout that was installed but not built runs the sources through tsx.
// `baton doctor`, `baton setup` and `baton status` run where the app was registered (its .env),
// `baton check` anywhere (offline);
// `baton session …` in Actions, and any other word is answered there.
import { existsSync } from 'node:fs';

// package.json's engines: Node 22.12 or later (Node 20 reached its end of life on 2026-04-30).
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `baton: Baton needs Node 22 or 24 (22.12 or later); this is Node ${process.versions.node}: install Node 24 (https://nodejs.org)\n`,
  );
  process.exit(2);
}

const ENTRIES = {
  doctor: 'doctor/cli',
  check: 'cli/check',
  setup: 'cli/setup',
  status: 'cli/status',
};
const given = process.argv.slice(2);
// `baton help check` is `baton check --help`, for every command.
const args = given[0] === 'help' && given.length > 1 ? [given[1], '--help'] : given;
const own = Object.hasOwn(ENTRIES, args[0] ?? '');
const entry = own ? ENTRIES[args[0]] : 'session/cli';
const built = new URL(`../dist/src/${entry}.js`, import.meta.url);
const cli = existsSync(built)
  ? await import(built.href)
  : await (await import('tsx/esm/api')).tsImport(`../src/${entry}.ts`, import.meta.url);
process.exitCode = await cli.main(own ? args.slice(1) : args, process.env);
