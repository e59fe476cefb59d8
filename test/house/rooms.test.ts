import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A folder of `src` holds at most fifteen files, so it can be held in one's
 * head (docs/design-notes.md, "The layout"): one that grows past it is cut by
 * its imports' order, the lower part a folder of its own.
 */
const MOST_FILES = 15;

function crowdedFolders(root: string): string[] {
  const crowded: string[] = [];
  const visit = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile()).length;
    if (files > MOST_FILES) crowded.push(`${path.relative(root, dir)} holds ${files} files`);
    for (const entry of entries) if (entry.isDirectory()) visit(path.join(dir, entry.name));
  };
  visit(path.join(root, 'src'));
  return crowded;
}

describe('the rooms of src', () => {
  it(`hold at most ${MOST_FILES} files each`, () => {
    expect(crowdedFolders(process.cwd())).toEqual([]);
  });
});
