#!/usr/bin/env node
// The package's `baton` command. It runs the build in dist (npm run build); a
// checkout that was installed but not built runs the sources through tsx.
// `baton doctor` and `baton setup` run where the app was registered (its .env),
// `baton check` anywhere (offline);
// `baton session …` in Actions, and any other word is answered there.
import { existsSync } from 'node:fs';

const ENTRIES = { doctor: 'doctor/cli', check: 'cli/check', setup: 'cli/setup' };
const args = process.argv.slice(2);
const own = Object.hasOwn(ENTRIES, args[0] ?? '');
const entry = own ? ENTRIES[args[0]] : 'session/cli';
const built = new URL(`../dist/src/${entry}.js`, import.meta.url);
const cli = existsSync(built)
  ? await import(built.href)
  : await (await import('tsx/esm/api')).tsImport(`../src/${entry}.ts`, import.meta.url);
process.exitCode = await cli.main(own ? args.slice(1) : args, process.env);
