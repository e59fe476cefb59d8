import { appendFile } from 'node:fs/promises';
import { isEngine, listEngines } from '../../../core/vocabulary/engine-names.js';

/**
 * `baton session engine` (the action's `command: engine`), which workflows
 * shipped before it went still call: the outputs their `actions/cache` step
 * read (`cache-key`, `path`). They are empty for every engine, so that step
 * restores nothing, and the shipped workflow has neither step now:
 * an Actions cache is scoped to the branch a run is on, and any run on a
 * worker's branch may write it, the repository's CI running the worker's code
 * included; `actions/cache` restores with `tar -P`, so an entry forged under
 * the engine's key could write outside its path, over the session's own
 * action, before the session (which holds the model key) starts. No check of
 * the engine inside the session can see that. The session downloads the
 * pinned tarball and checks it against the pin instead (about 1.3 s more than
 * from a cache; install-engine.ts). A dispatch naming no engine Baton knows is
 * refused here, before the session.
 */
export async function writeEngineCacheOutputs(
  source: Record<string, string | undefined>,
): Promise<number> {
  const engine = source.BATON_ENGINE ?? '';
  if (engine && !isEngine(engine)) {
    process.stderr.write(`baton: BATON_ENGINE ${engine} is no engine: ${listEngines()}\n`);
    return 2;
  }
  const lines = 'cache-key=\npath=\n';
  const file = source.GITHUB_OUTPUT;
  if (file) await appendFile(file, lines);
  else process.stdout.write(lines);
  return 0;
}
