import { type DiffLines, parseDiffLines } from '../../diff-lines.js';
import type { ReviewComment } from '../../result.js';

/** Review comments split by where they can go. */
export interface PlacedComments {
  /** Comments on diff lines, at most `max`. */
  inline: ReviewComment[];
  /** Comments GitHub would refuse inline; they go into the review body instead. */
  moved: ReviewComment[];
}

/** Splits comments into those that lie in a hunk of their file and those that must move to the body. */
export function placeReviewComments({
  patches,
  comments,
  max,
}: {
  patches: ReadonlyMap<string, string | undefined>;
  comments: readonly ReviewComment[];
  max: number;
}): PlacedComments {
  const parsed = new Map<string, DiffLines>();
  const placed: PlacedComments = { inline: [], moved: [] };
  for (const comment of comments) {
    const patch = patches.get(comment.path);
    let lines = parsed.get(comment.path);
    if (!lines && patch) {
      lines = parseDiffLines(patch);
      parsed.set(comment.path, lines);
    }
    const side = lines?.[comment.side];
    if (side?.has(comment.line) && placed.inline.length < max) placed.inline.push(comment);
    else placed.moved.push(comment);
  }
  return placed;
}

/** The review body with the moved comments appended, so that no finding is lost. */
export function renderReviewBody(
  body: string,
  moved: readonly ReviewComment[],
  maxChars: number,
): string {
  if (moved.length === 0) return body.slice(0, maxChars);
  const findings = moved.map(
    (c) => `- \`${c.path}:${c.line}\`${c.side === 'LEFT' ? ' (old side)' : ''}: ${c.body}`,
  );
  const text = `${body.trim()}\n\n### Findings outside the diff\n\n${findings.join('\n')}\n`;
  if (text.length <= maxChars) return text;
  const cut = '\n\n[... cut: the review was longer than GitHub accepts]';
  return text.slice(0, maxChars - cut.length) + cut;
}
