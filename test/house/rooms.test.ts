import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../../scripts/source-files.js';

/**
 * A folder of `src` holds at most fifteen files, so it can be held in one's
 * head (docs/design-notes.md, "The layout"): one that grows past it is cut by
 * its imports' order, the lower part a folder of its own.
 */
const MOST_FILES = 15;

function crowdedFolders(): string[] {
  const counts = new Map<string, number>();
  for (const { path: file } of sourceFiles()) {
    const folder = path.posix.dirname(file);
    counts.set(folder, (counts.get(folder) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, files]) => files > MOST_FILES)
    .map(([folder, files]) => `${folder} holds ${files} files`);
}

describe('the rooms of src', () => {
  it(`hold at most ${MOST_FILES} files each`, () => {
    expect(crowdedFolders()).toEqual([]);
  });
});
