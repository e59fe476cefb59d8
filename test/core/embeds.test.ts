import fc from 'fast-check';
import { parse, postprocess, preprocess } from 'micromark';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { everyEmbedEscaped, withoutEmbeds } from '../../src/core/vocabulary/embeds.js';
import { renderedEmbeds } from '../support/rendered-embeds.js';

/** Pieces of Markdown whose mixes reach every construct that decides code, HTML or an image. */
const piece = fc.constantFrom(
  '```',
  '~~~',
  '````',
  '    ',
  '\t',
  '`',
  '``',
  '<div>',
  '</div>',
  '<pre>',
  '</pre>',
  '<script>',
  '<img src=x>',
  '<picture><source srcset=x>',
  '<!--',
  '-->',
  '<?',
  '?>',
  '<!X',
  '<![CDATA[',
  ']]>',
  '<a title="`">',
  '<http://x>',
  '![a](u)',
  '![a][r]',
  '![r]',
  '![r][]',
  '[r]: u',
  '[^1]: ',
  '[',
  ']',
  '(',
  ')',
  '!',
  '\\',
  '*',
  '_',
  '~',
  '|',
  '| - |',
  '> ',
  '- ',
  '1. ',
  '===',
  '---',
  '&lt;img src=x&gt;',
  'a',
  ' ',
  '<',
  '>',
  '\n',
  '\n\n',
  '\r\n',
  '\r',
  '\uFEFF',
);
const markdown = fc.array(piece, { maxLength: 60 }).map((pieces) => pieces.join(''));
/** Paragraphs of a few short lines, between blank lines or not: a text parsed in many parts. */
const line = fc.array(piece, { maxLength: 4 }).map((pieces) => pieces.join(''));
const block = fc
  .tuple(fc.array(line, { minLength: 1, maxLength: 4 }), fc.constantFrom('\n', '\r\n'))
  .map(([lines, end]) => lines.join(end));
const blocks = fc
  .array(fc.tuple(block, fc.constantFrom('\n\n', '\n', '\n \n', '\r\n\r\n')), { maxLength: 20 })
  .map((parts) => parts.map(([text, end]) => text + end).join(''));

/** Images and raw HTML in `text` as GitHub parses it (emphasis and all), with code spans, fenced and indented code. */
function tokens(text: string, extensions = [gfm()]): Record<string, string[]> {
  const events = postprocess(
    parse({ extensions })
      .document()
      .write(preprocess()(text, undefined, true)),
  );
  const found: Record<string, string[]> = { image: [], html: [], code: [] };
  for (const [kind, token] of events) {
    if (kind !== 'enter') continue;
    const where = `${token.start.offset}-${token.end.offset}`;
    if (token.type === 'image') found.image?.push(where);
    if (token.type === 'htmlFlow' || token.type === 'htmlText') found.html?.push(where);
    if (/^code(Fenced|Indented|Text)$/.test(token.type)) found.code?.push(where);
  }
  return found;
}

describe('withoutEmbeds', () => {
  it.each([
    ['an inline image', '![x](https://a.example/p)', '!\\[x](https://a.example/p)'],
    ['a reference image', '![x][r]\n\n[r]: u', '!\\[x][r]\n\n[r]: u'],
    ['a shortcut image with no definition here', 'a ![r] b', 'a !\\[r] b'],
    ['an <img>', 'a <img src="u"> b', 'a &lt;img src="u"> b'],
    ['an HTML block', '<div>\n<p>x</p>\n</div>', '&lt;div>\n&lt;p>x&lt;/p>\n&lt;/div>'],
    ['an image an HTML block hid', '<div>\n![x](u)\n</div>', '&lt;div>\n!\\[x](u)\n&lt;/div>'],
    [
      'a code span a table cell splits',
      '|a|b|\n|-|-|\n|`x|![y](u)|`|',
      '|a|b|\n|-|-|\n|`x|!\\[y](u)|`|',
    ],
    ['a code span a tag hid', '<a title="`">` ![i](u)`', '&lt;a title="`">` !\\[i](u)`'],
    ['entities', '&lt;img src=u&gt;', '&lt;img src=u&gt;'],
    ['a plain `<`', 'a < b and <https://example.com>', 'a < b and <https://example.com>'],
  ])('escapes %s', (_name, text, expected) => {
    expect(withoutEmbeds(text)).toBe(expected);
    expect(renderedEmbeds(withoutEmbeds(text))).toEqual([]);
  });

  it.each([
    ['a suggestion block', '```suggestion\nlet v = vec![1, 2];\n<div class="x">\n```\n'],
    ['a fence in a list item', '- a\n\n  ```\n  ![x](u) <b>\n  ```\n'],
    ['indented code', 'Code:\n\n    ![x](u) <img src=u>\n'],
    ['a code span', 'Use `![a](b)` or ``<img>``.'],
    ['a code span in a table', '| a |\n| - |\n| `![x](u)` and `a\\|<b>` |'],
  ])('keeps %s as written', (_name, text) => {
    expect(withoutEmbeds(text)).toBe(text);
  });

  it('leaves links alone', () => {
    const text = 'See [the docs](https://example.com/docs) and <https://example.com>.';
    expect(withoutEmbeds(text)).toBe(text);
  });

  it('renders no image and no raw HTML, whatever the text, however small its parts', () => {
    fc.assert(
      fc.property(fc.oneof(markdown, blocks), fc.constantFrom(16, 32, 64, 8192), (text, window) => {
        const safe = withoutEmbeds(text, { window });
        expect(tokens(safe).image).toEqual([]);
        expect(tokens(safe).html).toEqual([]);
        expect(renderedEmbeds(safe)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps a text with no image, no raw HTML and no `![` outside code as it is', () => {
    fc.assert(
      fc.property(markdown, (text) => {
        const { image, html } = tokens(text);
        fc.pre(image?.length === 0 && html?.length === 0 && !/!\[/.test(text));
        expect(withoutEmbeds(text)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the code of a text in many parts as written', () => {
    const part =
      '```suggestion\nlet v = vec![1, 2];\n<div class="x">\n```\n\nSee `![a](b)` and ![x](u).\n\n';
    const text = part.repeat(1000);
    expect(text.length).toBeGreaterThan(65_000);
    expect(withoutEmbeds(text)).toBe(text.replaceAll('and ![x]', 'and !\\[x]'));
  });

  it('finds code and raw HTML where GitHub does with emphasis and strikethrough left unparsed', () => {
    // The parse leaves them out for speed: they must decide no code, HTML or image.
    const fast = [gfm(), { disable: { null: ['attention', 'strikethrough'] } }];
    fc.assert(
      fc.property(markdown, (text) => {
        expect(tokens(text, fast)).toEqual(tokens(text));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['block quote and list markers chained on one line', `${'- '.repeat(30_000)}<x> ![y](u)`],
    ['brackets nested deep', `${'['.repeat(20_000)}<x>${']'.repeat(20_000)}`],
    ['setext headings without a blank line', `${'a\n=\n'.repeat(15_000)}<x> ![y](u)`],
    ['one line longer than a part', `${'a '.repeat(30_000)}<x> ![y](u)`],
    ['emphasis that never closes', `${'*a_'.repeat(20_000)}<x>`],
  ])(
    'escapes everything of a text micromark is slow on (%s) without parsing it whole',
    (_name, text) => {
      expect(withoutEmbeds(text)).toBe(everyEmbedEscaped(text));
    },
  );

  it('keeps the code of the parts before a part it cannot parse', () => {
    const code = '```\nvec![1] <b>\n```\n\n';
    const text = `${code}${'- '.repeat(30)}<x>\n`;
    expect(withoutEmbeds(text)).toBe(`${code}${'- '.repeat(30)}&lt;x>\n`);
  });
});
