#!/usr/bin/env node
// The package's `baton` command. It runs the build in dist (npm run build); a
// checkout that was installed but not built runs the sources through tsx.
// `baton doctor` runs where the app runs; `baton session …` in Actions.
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const entry = args[0] === 'doctor' ? 'doctor/cli' : 'session/cli';
const built = new URL(`../dist/src/${entry}.js`, import.meta.url);
const cli = existsSync(built)
  ? await import(built.href)
  : await (await import('tsx/esm/api')).tsImport(`../src/${entry}.ts`, import.meta.url);
process.exitCode = await cli.main(args[0] === 'doctor' ? args.slice(1) : args, process.env);
