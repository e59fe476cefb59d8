import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the simulator's Node processes keep V8's compiled code between runs
 * (`NODE_COMPILE_CACHE`, Node ≥ 22.1; nodejs.org/api/module.html#module-compile-cache):
 * the app and each job's step, which load the same sources and the same
 * 4 MB session bundle a hundred times a build. Compiling the bundle was about
 * a fifth of a short step's CPU. The cache is keyed by each file's contents
 * (a rebuilt bundle is compiled afresh) and only spares the compiling: what
 * runs is the same code. A runner's first job on a new machine compiles
 * as before; one the cache cannot serve runs uncached, as Node ignores a cache it
 * cannot use.
 */
export const NODE_COMPILE_CACHE = join(tmpdir(), 'baton-sim-node-compile-cache');

/** The variable that hands the cache to a Node process the simulator starts. */
export function compileCacheEnv(): Record<string, string> {
  return { NODE_COMPILE_CACHE };
}
