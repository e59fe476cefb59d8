import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ENGINES } from '../src/core/vocabulary/engine-names.js';
import { globOf, namedElsewhere, TIERS, type Tier } from './tiers.js';

/**
 * CI's jobs (`.github/workflows/ci.yml` reads their names from here): each
 * tier's files cut into shards of about equal measured time by `npm run
 * shards` (scripts/shards.ts), each with the engines its files run, which its
 * job installs and no other.
 */
export const SHARDS_FILE = 'test/shards.json';

export interface Shard {
  name: string;
  tier: Tier;
  /** The files' measured seconds, summed. */
  seconds: number;
  engines: string[];
  /** Each file and its measured seconds. */
  files: Record<string, number>;
}

export function readShards(root: string): Shard[] {
  try {
    return (JSON.parse(readFileSync(path.join(root, SHARDS_FILE), 'utf8')) as { shards: Shard[] })
      .shards;
  } catch {
    return [];
  }
}

/** Every test file under `dir` (repository-relative), sorted. */
export function testFilesUnder(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => path.join(dir, name))
    .sort();
}

/** Every test file of a tier, repository-relative and sorted. */
export function testFilesOf(root: string, tier: Tier): string[] {
  const elsewhere = new Set(namedElsewhere(tier));
  return (TIERS[tier] as readonly string[])
    .flatMap((entry) => (globOf(entry) === entry ? [entry] : testFilesUnder(root, entry)))
    .filter((file) => !elsewhere.has(file))
    .sort();
}

/**
 * The engines (those installed from the registry) a shard's files name, in
 * their own text or in the test modules they import (test/support's modes
 * name them for several files); none for the fast tier, whose files start no
 * process.
 */
export function shardEngines(root: string, tier: Tier, files: string[]): string[] {
  if (tier === 'fast') return [];
  const named = new Set<string>();
  for (const file of files)
    for (const text of testModulesOf(root, file))
      for (const engine of ENGINES)
        if (engine !== 'baton' && text.includes(`'${engine}'`)) named.add(engine);
  return ENGINES.filter((engine) => named.has(engine));
}

/** The text of a test file and of every module under test/ it imports, directly or not. */
function testModulesOf(root: string, file: string): string[] {
  const texts: string[] = [];
  const seen = new Set<string>();
  const pending = [file];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    const text = readFileSync(path.join(root, next), 'utf8');
    texts.push(text);
    for (const [, specifier] of text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
      const imported = path.join(path.dirname(next), `${specifier}.ts`);
      if (imported.startsWith('test/') && existsSync(path.join(root, imported)))
        pending.push(imported);
    }
  }
  return texts;
}
