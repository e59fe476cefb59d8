/**
 * Duplicate code only goes down (docs/development.md, "The house's bars"): the
 * pairs `npm run duplicates` finds in `src/` are at most the committed ceiling,
 * and when there are fewer the ceiling comes down to them, so a pair removed
 * cannot come back unnoticed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describePair,
  duplicatesOfSource,
  findDuplicates,
  linesOf,
  MIN_LINES,
} from '../../scripts/duplicates.js';

const CEILING_FILE = 'test/house/duplicates-ceiling.json';
const CEILING: { pairs: number } = JSON.parse(
  readFileSync(new URL('duplicates-ceiling.json', import.meta.url), 'utf8'),
);

/** A function of six lines, its names and literals from `name`. */
function block(name: string, extra = ''): string {
  return [
    `export function ${name}(items: string[], limit: number): string[] {`,
    `  const kept = items.filter((item) => item.length < limit);${extra}`,
    `  if (kept.length === 0) throw new Error('no ${name} within ' + limit);`,
    `  const sorted = [...kept].sort((a, b) => a.localeCompare(b));`,
    `  console.log('${name}', sorted.length, limit * 2);`,
    `  return sorted.slice(0, ${name.length});`,
    '}',
    '',
  ].join('\n');
}

describe('the duplicate finder', () => {
  it('finds two places with the same lines, whitespace aside', () => {
    const spaced = block('trim').replaceAll('  ', '      ').replaceAll(' = ', '   =   ');
    const pairs = findDuplicates([
      { path: 'src/a.ts', text: `const before = 1;\n\n${block('trim')}` },
      { path: 'src/b.ts', text: spaced },
    ]);
    expect(pairs.map(describePair)).toEqual(['src/a.ts:3–8 ↔ src/b.ts:1–6 (6 lines, the same)']);
  });

  it('finds lines of the same shape with other names, strings and numbers', () => {
    const renamed = block('shorten')
      .replaceAll('items', 'names')
      .replaceAll('limit * 2', 'limit * 3');
    const pairs = findDuplicates([
      { path: 'src/a.ts', text: block('trim') },
      { path: 'src/b.ts', text: renamed },
    ]);
    expect(pairs.map(describePair)).toEqual(['src/a.ts:1–6 ↔ src/b.ts:1–6 (6 lines, same shape)']);
  });

  it('reads past blank lines, comments and imports, and counts them in no run', () => {
    const interrupted = block('trim')
      .split('\n')
      .flatMap((line, index) =>
        index === 2
          ? ['', '  // why', "import { x } from './x.js';", '  /* more */', line]
          : [line],
      )
      .join('\n');
    const [pair, ...rest] = findDuplicates([
      { path: 'src/a.ts', text: block('trim') },
      { path: 'src/b.ts', text: interrupted },
    ]);
    expect(rest).toEqual([]);
    expect(pair).toMatchObject({ lines: 6, second: { from: 1, to: 10 } });
  });

  it(`finds nothing under ${MIN_LINES} lines, in another shape, or within one place`, () => {
    const five = block('trim').split('\n').slice(0, 5).join('\n');
    expect(
      findDuplicates([
        { path: 'src/a.ts', text: block('trim') },
        { path: 'src/b.ts', text: five },
      ]),
    ).toEqual([]);
    const other = block('trim', ' void kept;');
    expect(
      findDuplicates([
        { path: 'src/a.ts', text: block('trim') },
        { path: 'src/b.ts', text: other },
      ]),
    ).toEqual([]);
    expect(findDuplicates([{ path: 'src/a.ts', text: block('trim') }])).toEqual([]);
  });

  it('reads regular expressions and templates as the parser does', () => {
    const text = [
      'const quoted = /["\'`]\\/{2}/g.test(line) ? total / count : 0;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript's text, for the finder to read
      "const nested = `a ${items.map((item) => `${item.name}: ${{ n: 1 }.n}`).join(', ')} b`;",
      'const ratio = width / height / 2; // a /comment/',
      'const pattern = /}`\\${/;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript's text, for the finder to read
      'const deep = `${`${`${x}`}`}`;',
    ].join('\n');
    // A .tsx file's tokens are asked of every node of the parsed tree.
    expect(linesOf('src/a.ts', text)).toEqual(linesOf('src/a.tsx', text));
    expect(linesOf('src/a.ts', text).map((line) => line.tokens)).toEqual([16, 33, 9, 5, 11]);
  });

  it('finds a place repeated within one file', () => {
    const pairs = findDuplicates([{ path: 'src/a.ts', text: block('trim') + block('cut') }]);
    expect(pairs.map(describePair)).toEqual(['src/a.ts:1–6 ↔ src/a.ts:8–13 (6 lines, same shape)']);
  });

  it('takes tables of one shape for data, not code', () => {
    const table = (name: string, base: number) =>
      [
        `export const ${name} = {`,
        ...Array.from({ length: 12 }, (_, i) => `  key${i}: ${base + i},`),
        '};',
        '',
      ].join('\n');
    const list = (name: string) =>
      [
        `export const ${name} = [`,
        ...Array.from({ length: 12 }, (_, i) => `  '${name}-${i}',`),
        '];',
        '',
      ].join('\n');
    expect(
      findDuplicates([
        { path: 'src/a.ts', text: table('numbers', 0) + list('words') },
        { path: 'src/b.ts', text: table('others', 100) + list('names') },
      ]),
    ).toEqual([]);
  });
});

describe('duplicate code in src/', () => {
  it(`stays at or under the ceiling of ${CEILING_FILE}, which only comes down`, () => {
    const pairs = duplicatesOfSource();
    const listed = pairs.map(describePair).join('\n');
    if (pairs.length > CEILING.pairs) {
      expect.fail(
        `${pairs.length} pairs of duplicate lines in src/, more than the ceiling of ${CEILING.pairs} (${CEILING_FILE}): ` +
          `take the new one out into a function both places call (npm run duplicates lists them all)\n${listed}`,
      );
    }
    if (pairs.length < CEILING.pairs) {
      expect.fail(
        `${pairs.length} pairs of duplicate lines in src/, fewer than the ceiling of ${CEILING.pairs}: ` +
          `lower the ceiling to ${pairs.length} in ${CEILING_FILE}, so the pairs removed stay removed`,
      );
    }
    expect(pairs.length).toBe(CEILING.pairs);
  });
});
