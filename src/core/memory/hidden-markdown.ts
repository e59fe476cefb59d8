/**
 * Markdown a person reading a lesson on GitHub does not see as written, found
 * by parsing it as GitHub does (CommonMark and GFM, with micromark, as
 * `withoutEmbeds` parses what Baton posts): HTML comments and link reference
 * definitions, which render as nothing (`[//]: # (…)` is the usual way to hide
 * a line), and any other raw HTML, which GitHub's sanitiser drops or renders
 * other than written (`<details>`, an unknown tag such as `Vec<String>`'s).
 * Code (fenced, indented, spans) shows as written and is not looked in.
 */
import { parse, postprocess, preprocess } from 'micromark';
import { gfm } from 'micromark-extension-gfm';

/** What of a text renders other than written. */
export type HiddenMarkdown = 'an HTML comment' | 'a link reference definition' | 'raw HTML';

/** Emphasis and strikethrough hide nothing, and cost micromark quadratic time on some shapes. */
const EXTENSIONS = [gfm(), { disable: { null: ['attention', 'strikethrough'] } }];

/** The first thing of `text` that renders other than written, or null. */
export function findHiddenMarkdown(text: string): HiddenMarkdown | null {
  if (!/[<\]]/.test(text)) return null;
  const events = postprocess(
    parse({ extensions: EXTENSIONS })
      .document()
      .write(preprocess()(text, undefined, true)),
  );
  for (const [kind, token, context] of events) {
    if (kind !== 'enter') continue;
    switch (token.type) {
      case 'definition':
        return 'a link reference definition';
      case 'htmlFlow':
      case 'htmlText':
        return context.sliceSerialize(token).trimStart().startsWith('<!--')
          ? 'an HTML comment'
          : 'raw HTML';
    }
  }
  return null;
}
