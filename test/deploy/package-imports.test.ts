// Every package the shipped code imports is a dependency of the package: an
// installed copy (`npm install @baton-dev/baton`, the production tree's
// `npm ci --omit=dev`) has no dev dependency, and a module that imports one
// dies with ERR_MODULE_NOT_FOUND. esbuild follows the whole import graph of
// every file under src/ (what `files` ships as dist/src), static and dynamic
// imports alike, and names each package it would load from node_modules.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../sim/actions/run-step.js';

/**
 * Packages the shipped code may import without depending on them, each for
 * its reason: the import is dynamic and its absence answered in words.
 */
const OPTIONAL: Record<string, string> = {
  // src/server/webhook-proxy.ts: a smee.io channel for local development only;
  // without the package the proxy says to install development dependencies.
  'smee-client': 'the local webhook proxy',
};

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** Every TypeScript file under a folder, declarations left out. */
function sources(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(folder, file));
}

/** The npm package a bare import names: `@scope/name` or `name`. */
function packageOf(path: string): string {
  const [first = '', second = ''] = path.split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
}

/** Each package the files under src/ import, with one file that imports it. */
async function importedPackages(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: sources(join(REPO_ROOT, 'src')),
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    metafile: true,
    write: false,
    outdir: join(REPO_ROOT, 'dist', 'imports-scan'),
    logLevel: 'silent',
  });
  const found = new Map<string, string>();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (!imported.external) continue;
      const name = imported.path.replace(/^node:/, '');
      if (builtinModules.includes(packageOf(name)) || imported.path.startsWith('node:')) continue;
      if (!found.has(packageOf(name))) found.set(packageOf(name), relative(REPO_ROOT, file));
    }
  }
  return found;
}

describe('the packages the shipped code imports', () => {
  it('are dependencies, or optional with a reason', { timeout: 120_000 }, async () => {
    const imported = await importedPackages();
    // The scan sees the graph: the session's secret scan and the app's framework are in it.
    expect([...imported.keys()]).toEqual(
      expect.arrayContaining(['@secretlint/core', 'probot', 'zod']),
    );
    const missing = [...imported]
      .filter(([name]) => !(name in manifest.dependencies) && !(name in OPTIONAL))
      .map(([name, file]) => `${name} (imported by ${file})`);
    expect(missing).toEqual([]);
  });

  it('names each optional package’s absence in words where it is imported', () => {
    const proxy = readFileSync(join(REPO_ROOT, 'src/server/webhook-proxy.ts'), 'utf8');
    expect(proxy).toContain("await import('smee-client')");
    expect(proxy).toContain('smee-client is not installed');
  });
});
