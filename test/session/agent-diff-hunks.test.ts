import { describe, expect, it } from 'vitest';
import { placeReviewComments, renderReviewBody } from '../../src/session/agent/git/diff-hunks.js';
import { parseDiffLines } from '../../src/session/diff-lines.js';

const PATCH = [
  '@@ -1,3 +1,4 @@',
  ' one',
  '-two',
  '+TWO',
  '+two and a half',
  ' three',
  '@@ -20,2 +21,2 @@ function tail() {',
  ' twenty',
  '-twenty-one',
  '+TWENTY-ONE',
  '\\ No newline at end of file',
].join('\n');

describe('parseDiffLines', () => {
  it.each([
    ['RIGHT', 1, true, 'a context line'],
    ['RIGHT', 2, true, 'an added line'],
    ['RIGHT', 4, true, 'a context line after additions'],
    ['RIGHT', 5, false, 'a line between hunks'],
    ['RIGHT', 22, true, 'an added line of the second hunk'],
    ['RIGHT', 23, false, 'a line after the last hunk'],
    ['LEFT', 2, true, 'a deleted line'],
    ['LEFT', 21, true, 'a deleted line of the second hunk'],
    ['LEFT', 4, false, 'an old line outside every hunk'],
  ] as ['RIGHT' | 'LEFT', number, boolean, string][])(
    '%s line %i commentable: %s (%s)',
    (side, line, expected) => {
      const lines = parseDiffLines(PATCH);
      expect(lines[side].has(line)).toBe(expected);
    },
  );
});

describe('placeReviewComments', () => {
  const comment = (path: string, line: number) => ({
    path,
    line,
    side: 'RIGHT' as const,
    body: `on ${path}:${line}`,
  });

  it('moves comments beyond the maximum into the body instead of dropping them', () => {
    const placed = placeReviewComments({
      patches: new Map([['a.ts', PATCH]]),
      comments: [comment('a.ts', 1), comment('a.ts', 2), comment('a.ts', 3)],
      max: 2,
    });
    expect(placed.inline.map((c) => c.line)).toEqual([1, 2]);
    expect(placed.moved.map((c) => c.line)).toEqual([3]);
  });

  it('moves comments on files without a patch (binary, too large) into the body', () => {
    const placed = placeReviewComments({
      patches: new Map([['logo.png', undefined]]),
      comments: [comment('logo.png', 1)],
      max: 50,
    });
    expect(placed.moved).toHaveLength(1);
  });
});

describe('renderReviewBody', () => {
  it('appends moved findings with their place', () => {
    expect(
      renderReviewBody(
        'Looks fine.',
        [{ path: 'a.ts', line: 9, side: 'RIGHT', body: 'Rename this.' }],
        30_000,
      ),
    ).toMatchInlineSnapshot(`
        "Looks fine.

        ### Findings outside the diff

        - \`a.ts:9\`: Rename this.
        "
      `);
  });

  it('stays within the maximum length', () => {
    const moved = Array.from({ length: 100 }, (_, i) => ({
      path: 'a.ts',
      line: i + 1,
      side: 'RIGHT' as const,
      body: 'x'.repeat(500),
    }));
    expect(renderReviewBody('Body.', moved, 10_000).length).toBeLessThanOrEqual(10_000);
  });
});
