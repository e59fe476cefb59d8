import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { isEngine } from '../../../core/vocabulary/engine-names.js';
import { EngineInstallError, engineCacheDir, platformPin } from './install-engine.js';

/**
 * `baton session engine` (the action's `command: engine`): which folder of
 * the engine cache the session's engine (BATON_ENGINE, the dispatch input)
 * lives in and the cache key it is kept under, as step outputs for the
 * workflow's `actions/cache` step before the session. The key names the pin
 * (package, version, platform and integrity), so a Baton release with another
 * pin restores nothing stale. Baton's own loop needs no engine: empty outputs.
 */
export async function writeEngineCacheOutputs(
  source: Record<string, string | undefined>,
): Promise<number> {
  const engine = source.BATON_ENGINE ?? '';
  const outputs: Record<string, string> = { 'cache-key': '', path: '' };
  if (engine && !isEngine(engine)) {
    process.stderr.write(
      `baton: BATON_ENGINE ${engine} is no engine: baton, claude-code or codex\n`,
    );
    return 2;
  }
  if (engine === 'claude-code' || engine === 'codex') {
    try {
      const { pin, dir, platform } = platformPin(engine);
      outputs['cache-key'] =
        `baton-engine-${dir}-${platform.integrity.slice(7, 23).replace(/[^A-Za-z0-9]/g, '_')}`;
      outputs.path = path.join(engineCacheDir(source), dir);
      process.stdout.write(`baton: ${pin.package}@${pin.version} is cached at ${outputs.path}\n`);
    } catch (error) {
      // The session itself says it again, and fails; no cache is needed for that.
      if (!(error instanceof EngineInstallError)) throw error;
      process.stdout.write(`baton: ${error.message}\n`);
    }
  }
  const file = source.GITHUB_OUTPUT;
  const lines = Object.entries(outputs).map(([name, value]) => `${name}=${value}\n`);
  if (file) await appendFile(file, lines.join(''));
  else process.stdout.write(lines.join(''));
  return 0;
}
