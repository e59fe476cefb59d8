import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readShards, shardEngines, testFilesOf, testFilesUnder } from '../shards.js';
import { TIERS, type Tier } from '../tiers.js';

const root = process.cwd();
const tiers = Object.keys(TIERS) as Tier[];

describe('the tiers of the tests', () => {
  it('name folders and files that exist', () => {
    const missing = tiers.flatMap((tier) =>
      (TIERS[tier] as readonly string[]).filter((entry) => !existsSync(path.join(root, entry))),
    );
    expect(missing).toEqual([]);
  });

  it('hold every test file, each in one tier', () => {
    const placed = tiers.flatMap((tier) => testFilesOf(root, tier));
    const twice = placed.filter((file, i) => placed.indexOf(file) !== i);
    const nowhere = testFilesUnder(root, 'test').filter((file) => !placed.includes(file));
    expect({ nowhere, twice }).toEqual({ nowhere: [], twice: [] });
  });
});

describe("CI's shards", () => {
  const shards = readShards(root);

  it('hold each file of its tier once (npm run shards places a new one)', () => {
    for (const tier of tiers) {
      const sharded = shards
        .filter((shard) => shard.tier === tier)
        .flatMap((shard) => Object.keys(shard.files))
        .sort();
      expect(sharded, `tier ${tier}: run npm run shards`).toEqual(testFilesOf(root, tier));
    }
  });

  it('install the engines their files run', () => {
    for (const shard of shards) {
      expect(shard.engines, `${shard.name}: run npm run shards`).toEqual(
        shardEngines(root, shard.tier, Object.keys(shard.files)),
      );
    }
  });

  it('install the engines a file plays through the modes test/support names for it', () => {
    // build-attacks names its Codex mode only as `codex:`; test/support/builds-at-once.ts says 'codex'.
    expect(shardEngines(root, 'builds', ['test/e2e/build-attacks.test.ts'])).toEqual([
      'claude-code',
      'codex',
    ]);
  });

  it('have names unique, so each is one job', () => {
    const names = shards.map((shard) => shard.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
