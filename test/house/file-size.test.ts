/**
 * Small files (docs/development.md, "The house's bars"): no file of `src/` runs
 * past `MAX_LINES`, counted as `wc -l` counts them. A file that grows past it is
 * cut where a part of it stands on its own, into a file beside it.
 */
import { describe, expect, it } from 'vitest';
import { lineCount, sourceFiles } from '../../scripts/source-files.js';

const MAX_LINES = 500;

describe('the size of a source file', () => {
  it(`keeps every file of src/ within ${MAX_LINES} lines`, () => {
    const files = sourceFiles('src');
    expect(files.length).toBeGreaterThan(100);
    const over = files
      .map((file) => ({ path: file.path, lines: lineCount(file.text) }))
      .filter((file) => file.lines > MAX_LINES)
      .map(
        (file) =>
          `${file.path}: ${file.lines} lines, more than ${MAX_LINES}: move a part that stands on its own into a file beside it`,
      );
    expect(over).toEqual([]);
  });

  it('counts lines as wc -l does', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('one')).toBe(0);
    expect(lineCount('one\n')).toBe(1);
    expect(lineCount('one\ntwo\n\n')).toBe(3);
  });
});
