import { existsSync, readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

/**
 * Lets Node load the repository's TypeScript itself, as the fast tier's
 * workers do (vitest.config.ts, `nativeTypeScript`): Node strips a `.ts`
 * file's types, and these hooks add what the sources ask of a compiler
 * beyond that: an import written `./x.js` finds `./x.ts` or `./x.tsx` (the
 * `NodeNext` way), and a `.tsx` file's JSX is compiled by esbuild for Hono's
 * JSX, as tsconfig.json says. Nothing in `node_modules` is touched.
 */

// `module.registerHooks` (Node 22.15 and 23.5 on), which the @types/node of this repository does not know.
interface Resolved {
  url: string;
  format?: string | null;
}
interface Loaded {
  format: string;
  source: string;
  shortCircuit?: boolean;
}
interface Hooks {
  resolve(
    specifier: string,
    context: { parentURL?: string },
    next: (specifier: string, context: { parentURL?: string }) => Resolved,
  ): Resolved;
  load(url: string, context: object, next: (url: string, context: object) => Loaded): Loaded;
}
const registerHooks = (nodeModule as unknown as { registerHooks?: (hooks: Hooks) => void })
  .registerHooks;

// V8's compiled code kept between runs, keyed by each file's contents, in the folder the
// simulator's processes keep theirs (sim/node-compile-cache.ts, which this file loads too early to
// import): loading the app's harness took 3.4 CPU-seconds so where it took 3.6 to 4.5 (load 26-30).
(
  nodeModule as unknown as { enableCompileCache?: (directory: string) => unknown }
).enableCompileCache?.(join(tmpdir(), 'baton-sim-node-compile-cache'));

registerHooks?.({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL;
    if (
      parent?.startsWith('file:') &&
      !parent.includes('/node_modules/') &&
      /^\.\.?\//.test(specifier) &&
      specifier.endsWith('.js')
    ) {
      for (const extension of ['.ts', '.tsx']) {
        const source = new URL(`${specifier.slice(0, -3)}${extension}`, parent);
        if (existsSync(fileURLToPath(source))) return nextResolve(source.href, context);
      }
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.tsx')) return nextLoad(url, context);
    const file = fileURLToPath(url);
    const { code } = transformSync(readFileSync(file, 'utf8'), {
      loader: 'tsx',
      format: 'esm',
      jsx: 'automatic',
      jsxImportSource: 'hono/jsx',
      sourcefile: file,
      sourcemap: 'inline',
    });
    return { format: 'module', source: code, shortCircuit: true };
  },
});
