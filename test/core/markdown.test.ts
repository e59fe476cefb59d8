import { describe, expect, it } from 'vitest';
import {
  blobUrl,
  code,
  escapeCell,
  escapeLinkText,
  escapeMermaidLabel,
  escapeText,
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
});
