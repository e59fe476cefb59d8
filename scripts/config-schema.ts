// `npm run schema`: writes schema/baton.schema.json, the JSON Schema of
// `.github/baton.yml` generated from the configuration's zod definition
// (src/core/config/config-schema.ts); `--check` exits 1 when it differs.
import { fileURLToPath } from 'node:url';
import { renderConfigJsonSchema } from '../src/core/config/config-schema.js';
import { writeOrCheck } from './generated-file.js';

writeOrCheck({
  path: fileURLToPath(new URL('../schema/baton.schema.json', import.meta.url)),
  text: renderConfigJsonSchema(),
  stale: 'schema/baton.schema.json is stale: run `npm run schema` and commit it',
});
