/**
 * Whether a lesson still stands on the code it cites: the cited line must
 * still read as it did (both trimmed), at its line or within `CITATION_DRIFT`
 * lines of it, so that a few lines added or removed above it leave the lesson
 * in force while a rewritten or deleted line makes it stale.
 */
import type { Citation, Lesson } from './lesson.js';

/** How far a cited line may have moved and still count as the same line. */
export const CITATION_DRIFT = 20;

/** Whether the cited text is still at its line, or within the drift of it; `lines` null: the file is gone. */
export function citationHolds(citation: Citation, lines: readonly string[] | null): boolean {
  if (lines === null) return false;
  const text = citation.text.trim();
  const at = citation.line - 1;
  for (let offset = 0; offset <= CITATION_DRIFT; offset++) {
    for (const index of offset === 0 ? [at] : [at - offset, at + offset]) {
      if (lines[index]?.trim() === text) return true;
    }
  }
  return false;
}

/** Whether every citation of the lesson holds, reading each cited file through `linesOf`. */
export function citationsHold(
  lesson: Lesson,
  linesOf: (path: string) => readonly string[] | null,
): boolean {
  return lesson.citations.every((citation) => citationHolds(citation, linesOf(citation.path)));
}
