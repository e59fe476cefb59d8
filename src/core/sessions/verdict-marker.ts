/**
 * The hidden marker a Baton review carries:
 * `<!-- baton:verdict approve cost=0.1234 lessons=2 findings=3 repeats=log-it -->`.
 * The review is posted with event COMMENT (an app cannot be a required
 * reviewer), so the verdict travels in the body; only reviews by the app's own
 * bot are read this way. A review given lessons adds what it says of them
 * (docs/memory.md, "How it is measured"), so the app counts repeats from the
 * marker alone, never from the review's words.
 */
export type BatonVerdict = 'approve' | 'changes-requested';

/**
 * What a review given lessons said of them: how many it was given, how many
 * findings it made, and for each finding that asks for a given lesson's
 * correction again, that lesson's slug (a slug twice: two findings repeat it).
 */
export interface ReviewLessons {
  lessons: number;
  findings: number;
  repeats: string[];
}

const MARKER =
  /<!-- baton:verdict (approve|changes-requested)(?: cost=(\d+(?:\.\d+)?))?(?: lessons=(\d+) findings=(\d+)(?: repeats=([a-z0-9][a-z0-9,-]*))?)? -->/g;

export function renderVerdictMarker({
  verdict,
  costUsd,
  memory,
}: {
  verdict: BatonVerdict;
  costUsd: number;
  /** Absent or given no lesson: the marker says nothing of memory. */
  memory?: ReviewLessons | undefined;
}): string {
  const said =
    memory && memory.lessons > 0
      ? ` lessons=${memory.lessons} findings=${memory.findings}${memory.repeats.length > 0 ? ` repeats=${memory.repeats.join(',')}` : ''}`
      : '';
  return `<!-- baton:verdict ${verdict} cost=${costUsd.toFixed(4)}${said} -->`;
}

/**
 * The verdict of the last marker in the body. Publish writes its marker after
 * everything a model wrote (only its own run marker follows), so a marker
 * that model text carried past neutralizing could only come earlier: it must
 * not win over Baton's.
 */
export function parseVerdictMarker(
  body: string,
): { verdict: BatonVerdict; costUsd: number; memory?: ReviewLessons } | null {
  const match = [...body.matchAll(MARKER)].at(-1);
  if (!match) return null;
  const [, verdict, cost, lessons, findings, repeats] = match;
  return {
    verdict: verdict as BatonVerdict,
    costUsd: Number(cost ?? 0),
    ...(lessons !== undefined && findings !== undefined
      ? {
          memory: {
            lessons: Number(lessons),
            findings: Number(findings),
            repeats: repeats ? repeats.split(',').filter(Boolean) : [],
          },
        }
      : {}),
  };
}
