// Runs one of CI's shards (test/shards.json): installs the engines its files run into the
// engine cache, as .ci/run does for all of them, then runs its files alone.
//   npx tsx scripts/test-shard.ts NAME [vitest options]
import { spawnSync } from 'node:child_process';
import { ENGINES } from '../src/core/vocabulary/engine-names.js';
import { ENGINE_PINS } from '../src/session/agent/engines/engine-registry.js';
import { engineCacheDir, ensureEngine } from '../src/session/agent/engines/install-engine.js';
import { readShards } from '../test/shards.js';

const [name, ...options] = process.argv.slice(2);
const shards = readShards(process.cwd());
const shard = shards.find((s) => s.name === name);
if (!shard) {
  console.error(
    `no shard named ${name ?? '(none)'} in test/shards.json; its shards: ${shards.map((s) => s.name).join(', ')}`,
  );
  process.exit(2);
}
for (const pin of ENGINE_PINS.filter((p) => shard.engines.includes(p.engine))) {
  const installed = await ensureEngine({ engine: pin.engine, cacheDir: engineCacheDir() });
  console.log(`${pin.package}@${pin.version}: ${installed.binary}`);
}
const files = Object.keys(shard.files);
console.log(
  `${shard.name}: ${files.length} files of the ${shard.tier} tier, ${shard.seconds} s measured; engines: ${shard.engines.join(', ') || 'none'} (of ${ENGINES.length - 1})`,
);
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--project', `${shard.tier}*`, ...options, ...files],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
