import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { readShards } from './shards.js';

/**
 * The order files start in: the longest measured first (test/shards.json's
 * seconds, which `npm run shards` keeps), across every project of a group, so
 * the whole builds that take minutes start while the short files fill the
 * cores around them, and none of them is left to run alone at the end.
 * Vitest's own order, on a fresh clone with no results cached, is by project
 * name and then file size. A file the shards do not list yet starts first,
 * as vitest runs an unknown file first.
 */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const seconds = measuredSeconds(root);
    const of = (spec: TestSpecification) =>
      seconds.get(path.relative(root, spec.moduleId).split(path.sep).join('/')) ?? UNKNOWN;
    return [...files].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        of(b) - of(a),
    );
  }
}

/** A file not measured yet: before every measured one. */
const UNKNOWN = 1e9;

/** Each file's measured seconds, from every shard. */
export function measuredSeconds(root: string): Map<string, number> {
  return new Map(readShards(root).flatMap((shard) => Object.entries(shard.files)));
}
