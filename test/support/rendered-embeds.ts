import { micromark, parse, postprocess, preprocess } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/**
 * The HTML GitHub makes of `markdown`: CommonMark and GFM (tables, autolinks,
 * footnotes, task lists), raw HTML passed through. GitHub's sanitiser then keeps
 * `<img>`, `<picture>`, `<source srcset>` and the like, and fetches their
 * addresses through its camo proxy as the page is viewed.
 */
export function renderMarkdown(markdown: string): string {
  return micromark(markdown, {
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
    allowDangerousHtml: true,
  });
}

/** Elements a page loads something for, and any attribute that names what to load. */
const LOADS =
  /<(?:img|picture|source|video|audio|track|iframe|frame|object|embed|svg|image|link|script|style|meta|base)\b[^>]*>|<[a-z][^>]*\s(?:src|srcset|poster|background|data|href)\s*=\s*["']?https:\/\/attacker\.example[^>]*>/gi;

/** What Baton writes as raw HTML itself: its markers, and the status comment's folds and small print. */
const BATON_HTML = /<!-- baton:[\s\S]*?-->|<\/?(?:details|summary|sub)>|<br>/g;

/**
 * What `markdown` would show of images and raw HTML that Baton did not write:
 * every element of the rendered page that loads something (an image, a source
 * set; a link to the attacker's host is a link, `<a href>` of Markdown, and
 * stays), and every piece of raw HTML in GitHub's parse of it other than
 * Baton's own. Empty when the text is inert.
 */
export function renderedEmbeds(markdown: string): string[] {
  const loaded = [...renderMarkdown(markdown).matchAll(LOADS)]
    .map((match) => match[0])
    .filter((tag) => !/^<a\s/i.test(tag));
  const events = postprocess(
    parse({ extensions: [gfm()] })
      .document()
      .write(preprocess()(markdown, undefined, true)),
  );
  const raw: string[] = [];
  for (const [kind, token] of events) {
    if (kind !== 'enter') continue;
    const text = markdown.slice(token.start.offset, token.end.offset);
    if (token.type === 'image') raw.push(text);
    if (token.type !== 'htmlFlow' && token.type !== 'htmlText') continue;
    if (text.replace(BATON_HTML, '').includes('<')) raw.push(text);
  }
  return [...loaded, ...raw];
}

/** Languages GitHub draws instead of showing as code, some of which load addresses the text names. */
const DRAWN_LANGUAGES = ['mermaid', 'geojson', 'topojson', 'stl'];

/**
 * The fenced code blocks of `markdown` GitHub would draw (a mermaid diagram, a
 * map, a 3D model) rather than show as code: the first word of the info
 * string, as parsed (character references decoded), that names one of them in
 * any case, or begins with one. Empty when every fence shows as code.
 */
export function drawnFences(markdown: string): string[] {
  return [...renderMarkdown(markdown).matchAll(/<code class="language-([^"]*)"/g)]
    .map((match) => match[1] ?? '')
    .filter((language) => DRAWN_LANGUAGES.some((name) => language.toLowerCase().startsWith(name)));
}
