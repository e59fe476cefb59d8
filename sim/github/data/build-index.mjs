// Builds endpoint-permissions.json from server-to-server-permissions.json (same folder).
// GitHub data, generated: github/docs@02ac71cd67f12f791665800215adb392e5bbea21,
// src/github-apps/data/fpt-2026-03-10/server-to-server-permissions.json (see README.md).
// Run: node sim/github/data/build-index.mjs, with that source file beside this one.
// Index: { "<VERB> <requestPath>": [{ permission, access, additional }, ...] }
// Only entries with "server-to-server": true (usable with an installation token).
// Keys sorted; each endpoint's list sorted by permission, then access;
// exact duplicate entries in the source are kept once.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = JSON.parse(readFileSync(join(here, 'server-to-server-permissions.json'), 'utf8'));

const index = new Map();
for (const [permission, group] of Object.entries(source)) {
  for (const e of group.permissions) {
    if (e['server-to-server'] !== true) continue;
    const key = `${e.verb.toUpperCase()} ${e.requestPath}`;
    const list = index.get(key) ?? [];
    const entry = {
      permission,
      access: e.access,
      additional: e['additional-permissions'] === true,
    };
    if (
      !list.some(
        (x) =>
          x.permission === entry.permission &&
          x.access === entry.access &&
          x.additional === entry.additional,
      )
    ) {
      list.push(entry);
    }
    index.set(key, list);
  }
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const keys = [...index.keys()].sort(cmp);
for (const k of keys)
  index.get(k).sort((a, b) => cmp(a.permission, b.permission) || cmp(a.access, b.access));

// One endpoint per line: small, valid JSON, readable diffs.
const body = keys.map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(index.get(k))}`).join(',\n');
writeFileSync(join(here, 'endpoint-permissions.json'), `{\n${body}\n}\n`);

const permissions = new Set();
let pairs = 0;
for (const k of keys)
  for (const e of index.get(k)) {
    permissions.add(e.permission);
    pairs++;
  }
console.log(`endpoints: ${keys.length}`);
console.log(`permissions: ${permissions.size} (of ${Object.keys(source).length} in the source)`);
console.log(`endpoint-permission entries: ${pairs}`);

const checks = process.argv.slice(2);
for (const k of checks)
  console.log(k, '->', index.has(k) ? JSON.stringify(index.get(k)) : 'ABSENT');
