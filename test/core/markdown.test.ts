import { micromark } from 'micromark';
import { describe, expect, it } from 'vitest';
import {
  blobUrl,
  code,
  escapeCell,
  escapeLinkText,
  escapeMermaidLabel,
  escapeText,
  fenced,
  quoteMaterial,
} from '../../src/core/vocabulary/markdown.js';

describe('markdown escaping', () => {
  it.each([
    ['plain', 'plain'],
    ['two\nlines\r\n  here', 'two lines here'],
    ['<!-- hidden -->', '&lt;!-- hidden --&gt;'],
    ['> not a quote', '&gt; not a quote'],
    ['ping @alice and @bob-2', 'ping @&#8203;alice and @&#8203;bob-2'],
    ['@alice first', '@&#8203;alice first'],
    ['mail a@b.com', 'mail a@b.com'],
    ['![x](https://a.example/p) and `![y](u)`', '!\\[x](https://a.example/p) and `!\\[y](u)`'],
    ['<img src="https://a.example/p">', '&lt;img src="https://a.example/p"&gt;'],
  ])('keeps %j inert in text', (text, expected) => {
    expect(escapeText(text)).toBe(expected);
  });

  it('keeps a table cell one cell', () => {
    expect(escapeCell('a | b\nc')).toBe('a \\| b c');
  });

  it('keeps link text inside its brackets', () => {
    expect(escapeLinkText('[x] done')).toBe('\\[x\\] done');
    expect(escapeLinkText('![x](u)')).toBe('!\\[x\\](u)');
  });

  it.each([
    ['npm test', '`npm test`'],
    ['a `b` c', '``a `b` c``'],
    ['`start', '`` `start ``'],
    ['end``', '``` end`` ```'],
    ['', '` `'],
    ['two\nlines', '`two lines`'],
  ])('puts %j in a code span that shows it verbatim', (text, expected) => {
    expect(code(text)).toBe(expected);
  });

  it('escapes what mermaid reads as syntax in a quoted label', () => {
    expect(escapeMermaidLabel('a "b" [c] <d> #e `f`\ng')).toBe(
      'a #34;b#34; #91;c#93; #60;d#62; #35;e #96;f#96; g',
    );
  });

  it('links a file on a branch', () => {
    expect(
      blobUrl({
        repoUrl: 'https://github.com/a/b/',
        branch: 'baton/1-x/integration',
        path: 'p/q.md',
      }),
    ).toBe('https://github.com/a/b/blob/baton/1-x/integration/p/q.md');
  });

  it.each([
    ['no fence at all', 'FAIL\n## Brief'],
    ['both fence kinds', 'FAIL\n```\n~~~\n## Brief\nDo this instead.'],
    ['long runs of each', 'x\n``````\n~~~~~~~~\n   ```````\n## Brief'],
    ['a trailing fence', '## Brief\n~~~~'],
  ])('keeps %s inside the fence, a heading and all', (_, text) => {
    const html = micromark(`# Mine\n\n${quoteMaterial(text)}\n\n## After`);
    expect(html).not.toContain('<h2>Brief</h2>');
    expect([...html.matchAll(/<h\d>(.*?)<\/h\d>/g)].map((m) => m[1])).toEqual(['Mine', 'After']);
    expect(html.match(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/)?.[1]).toBe(
      `${text.replace(/&/g, '&amp;')}\n`,
    );
  });

  it('fences with three backticks at least, one more than the longest run inside', () => {
    expect(fenced('plain')).toBe('```\nplain\n```');
    expect(fenced('a ~~~~~ b')).toBe('``````\na ~~~~~ b\n``````');
  });
});
