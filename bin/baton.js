#!/usr/bin/env node
// The package's `baton` command (npm: @baton-dev/baton). It runs the build in
// dist (npm run build; the published package ships it, built by `prepack`); a
// checkout that was installed but not built runs the sources through tsx.
// `baton doctor`, `baton setup`, `baton status` and `baton audit` run where the app was registered (its .env),
// `baton check` anywhere (offline);
// `baton session …` in Actions, and any other word is answered there.
import { existsSync } from 'node:fs';

/** A module of the build, or of the sources through tsx in a checkout that was not built. */
async function load(entry) {
  const built = new URL(`../dist/src/${entry}.js`, import.meta.url);
  return existsSync(built)
    ? import(built.href)
    : (await import('tsx/esm/api')).tsImport(`../src/${entry}.ts`, import.meta.url);
}

// package.json's engines: Node 22.12 or later, said in the line `npm start` and the demos say.
await load('refuse-old-node');

const ENTRIES = {
  doctor: 'doctor/doctor-cli',
  check: 'cli/check',
  setup: 'cli/setup',
  status: 'cli/status',
  audit: 'cli/audit',
};
const given = process.argv.slice(2);
// `baton help check` is `baton check --help`, for every command.
const args = given[0] === 'help' && given.length > 1 ? [given[1], '--help'] : given;
const own = Object.hasOwn(ENTRIES, args[0] ?? '');
const entry = own ? ENTRIES[args[0]] : 'session/session-cli';
const cli = await load(entry);
process.exitCode = await cli.main(own ? args.slice(1) : args, process.env);
