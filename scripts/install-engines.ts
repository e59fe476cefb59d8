// Installs the pinned engines (every one of engine-registry.ts) into the engine cache once,
// as a session would on its first run (src/session/agent/engines/install-engine.ts):
// `.ci/run` warms the cache before the tests, which then find it and never
// reach the registry. Prints what each install cost.
//   npx tsx scripts/install-engines.ts [cache-dir]
import { ENGINE_PINS } from '../src/session/agent/engines/engine-registry.js';
import { engineCacheDir, ensureEngine } from '../src/session/agent/engines/install-engine.js';

const cacheDir = process.argv[2] ?? engineCacheDir();
for (const pin of ENGINE_PINS) {
  const started = performance.now();
  const installed = await ensureEngine({ engine: pin.engine, cacheDir });
  const ms = Math.round(performance.now() - started);
  console.log(
    `${pin.package}@${pin.version}: ${installed.downloaded ? 'downloaded, checked and unpacked' : 'found in the cache'} in ${ms} ms (${installed.binary})`,
  );
}
