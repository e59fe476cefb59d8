// `npm run docs:commands`: writes docs/usage.md's list of commands from the
// table of commands (src/core/commands/command-table.ts); `--check` exits 1
// when the committed list differs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withCommandList } from '../src/core/commands/command-docs.js';
import { writeOrCheck } from './generated-file.js';

const path = fileURLToPath(new URL('../docs/usage.md', import.meta.url));
const written = withCommandList(readFileSync(path, 'utf8'));
if (written === null) {
  console.error('docs/usage.md has no list markers: put them back around its list of commands');
  process.exitCode = 1;
} else {
  writeOrCheck({
    path,
    text: written,
    stale: 'docs/usage.md lists other commands than the table: run `npm run docs:commands`',
  });
}
