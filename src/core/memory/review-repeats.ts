/**
 * What a review given lessons says of them, as its verdict marker carries it (docs/memory.md,
 * "How it is measured"): its findings are its comments (a review asking for changes with none
 * is one finding, its body), and a comment that repeats a lesson names the lesson's slug in
 * its own field. A slug the review was not given is refused: a review can only find again
 * the mistake of a lesson it read. The review's session checks its submission with this, and
 * publish checks the session's result with it again before it writes the marker.
 */
import type { ReviewLessons } from '../sessions/verdict-marker.js';

export function reviewRepeats({
  given,
  verdict,
  comments,
}: {
  /** The slugs of the lessons the session was given. */
  given: readonly string[];
  verdict: 'approve' | 'changes-requested';
  comments: readonly { repeats?: string | undefined }[];
}): { ok: true; memory: ReviewLessons | null } | { ok: false; problems: string[] } {
  const problems = comments.flatMap(({ repeats }, index) =>
    repeats === undefined || given.includes(repeats)
      ? []
      : [
          `comments.${index}.repeats: ${repeats} is no lesson you were given${given.length > 0 ? ` (${given.join(', ')})` : ' (you were given none)'}; name one of them or leave repeats out`,
        ],
  );
  if (problems.length > 0) return { ok: false, problems };
  if (given.length === 0) return { ok: true, memory: null };
  return {
    ok: true,
    memory: {
      lessons: given.length,
      findings: Math.max(comments.length, verdict === 'changes-requested' ? 1 : 0),
      repeats: comments.flatMap(({ repeats }) => (repeats === undefined ? [] : [repeats])),
    },
  };
}
