#!/usr/bin/env node
// The package's `baton` command. It runs the build in dist (npm run build); a
// checkout that was installed but not built runs the sources through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/session/cli.js', import.meta.url);
const cli = existsSync(built)
  ? await import(built.href)
  : await (await import('tsx/esm/api')).tsImport('../src/session/cli.ts', import.meta.url);
process.exitCode = await cli.main(process.argv.slice(2), process.env);
