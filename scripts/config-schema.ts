// `npm run schema`: writes schema/baton.schema.json, the JSON Schema of
// `.github/baton.yml` generated from the configuration's zod definition
// (src/core/config/config-schema.ts); `--check` exits 1 when it differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigJsonSchema } from '../src/core/config/config-schema.js';

const path = fileURLToPath(new URL('../schema/baton.schema.json', import.meta.url));
const text = renderConfigJsonSchema();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    // Missing counts as different.
  }
  if (committed !== text) {
    console.error('schema/baton.schema.json is stale: run `npm run schema` and commit it');
    process.exitCode = 1;
  }
} else {
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}
