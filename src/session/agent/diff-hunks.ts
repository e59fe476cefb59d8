import type { ReviewComment } from '../result.js';

/** The lines of one file a review comment may be placed on, by side. */
export interface CommentableLines {
  /** New-file lines: added or context. */
  right: Set<number>;
  /** Old-file lines: deleted or context. */
  left: Set<number>;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/**
 * Reads a unified diff patch (the `patch` of GitHub's pull request files) into
 * the lines GitHub accepts review comments on: a comment elsewhere is refused
 * with 422 and would take the whole review down with it.
 */
export function parsePatchLines(patch: string): CommentableLines {
  const lines: CommentableLines = { right: new Set(), left: new Set() };
  let left = 0;
  let right = 0;
  let inHunk = false;
  for (const line of patch.split('\n')) {
    const header = HUNK_HEADER.exec(line);
    if (header) {
      left = Number(header[1]);
      right = Number(header[2]);
      inHunk = true;
    } else if (!inHunk || line.startsWith('\\')) {
      // Before the first hunk, or "\ No newline at end of file".
    } else if (line.startsWith('+')) {
      lines.right.add(right++);
    } else if (line.startsWith('-')) {
      lines.left.add(left++);
    } else {
      lines.left.add(left++);
      lines.right.add(right++);
    }
  }
  return lines;
}

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
  const parsed = new Map<string, CommentableLines>();
  const placed: PlacedComments = { inline: [], moved: [] };
  for (const comment of comments) {
    const patch = patches.get(comment.path);
    let lines = parsed.get(comment.path);
    if (!lines && patch) {
      lines = parsePatchLines(patch);
      parsed.set(comment.path, lines);
    }
    const side = comment.side === 'LEFT' ? lines?.left : lines?.right;
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
