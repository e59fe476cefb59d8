// `npm run docs:commands`: writes docs/usage.md's list of commands from the
// table of commands (src/core/commands/command-table.ts); `--check` exits 1
// when the committed list differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withCommandList } from '../src/core/commands/command-docs.js';

const path = fileURLToPath(new URL('../docs/usage.md', import.meta.url));
const doc = readFileSync(path, 'utf8');
const written = withCommandList(doc);
if (written === null) {
  console.error('docs/usage.md has no list markers: put them back around its list of commands');
  process.exitCode = 1;
} else if (process.argv.includes('--check')) {
  if (written !== doc) {
    console.error('docs/usage.md lists other commands than the table: run `npm run docs:commands`');
    process.exitCode = 1;
  }
} else {
  writeFileSync(path, written);
  console.log(`wrote ${path}`);
}
