import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { REPO_ROOT } from './run-step.js';

/**
 * The simulator's `source` code for its jobs: an entry of this repository
 * (`sim/actions/baton-cli.ts`, the conductor's) bundled from the sources by
 * esbuild, once a process, and run by node as one file. tsx ran the same
 * sources module by module through its loader hooks, about 0.7 s of CPU a
 * start before a session did anything (0.15 s bundled, where V8's compiled
 * code is also kept: `NODE_COMPILE_CACHE`), and a whole build starts a hundred.
 * What runs is the code beside the test, transpiled by the same esbuild tsx
 * uses; each module keeps its own `import.meta.url`, as it has under tsx, so
 * what a module finds beside itself (package.json, templates/) it still finds.
 */
export function sourceBundle(entry: string): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = buildBundle(entry);
    bundles.set(entry, bundle);
  }
  return bundle;
}

/** Each entry's bundle in this process: the sources do not change while it runs. */
const bundles = new Map<string, Promise<string>>();

/** Where bundles are kept, a folder per content, so test processes of the same sources share one (and its compiled code). */
const BUNDLES = join(tmpdir(), 'baton-sim-source-bundles');

/** A folder of older sources is removed after a day unused. */
const STALE_MS = 24 * 60 * 60 * 1000;

/** The banner: bundled CommonJS packages `require` node's modules, which an ES module has no `require` for. */
const BANNER =
  "import { createRequire as simCreateRequire } from 'node:module';\nconst require = simCreateRequire(import.meta.url);";

async function buildBundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, pathToFileURL(REPO_ROOT)))],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    write: false,
    logLevel: 'silent',
    banner: { js: BANNER },
    define: { 'import.meta.url': META_URL },
    plugins: [ownImportMetaUrl],
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error(`esbuild produced no bundle of ${entry}`);
  const hash = createHash('sha256').update(file.contents).digest('hex').slice(0, 16);
  const dir = join(BUNDLES, hash);
  const path = join(dir, `${entry.replace(/^.*\//, '').replace(/\.ts$/, '')}.mjs`);
  mkdirSync(dir, { recursive: true });
  // Written whole under another name first: a test process beside this one may be running it.
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, file.contents);
  renameSync(partial, path);
  removeStale(hash);
  return path;
}

/**
 * Gives each module its own `import.meta.url`, as it has under tsx: a module
 * that names it declares it, and `define` points the expression there (never
 * into a string that only spells it).
 */
const ownImportMetaUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(on) {
    on.onLoad({ filter: /\.[cm]?[jt]s$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return {
        contents: `var ${META_URL} = ${JSON.stringify(pathToFileURL(path).href)};\n${text}`,
        loader: /\.[cm]?ts$/.test(path) ? 'ts' : 'js',
      };
    });
  },
};

/** The name each module's own URL is declared under. */
const META_URL = 'simModuleUrl';

function removeStale(keep: string): void {
  for (const name of readdirSync(BUNDLES)) {
    if (name === keep) continue;
    const dir = join(BUNDLES, name);
    try {
      if (Date.now() - statSync(dir).mtimeMs > STALE_MS)
        rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another process removed it first.
    }
  }
}
