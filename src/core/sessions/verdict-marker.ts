/**
 * The hidden marker a Baton review carries: `<!-- baton:verdict approve cost=0.1234 -->`.
 * The review is posted with event COMMENT (an app cannot be a required
 * reviewer), so the verdict travels in the body; only reviews by the app's own
 * bot are read this way.
 */
export type BatonVerdict = 'approve' | 'changes-requested';

const MARKER = /<!-- baton:verdict (approve|changes-requested)(?: cost=(\d+(?:\.\d+)?))? -->/g;

export function renderVerdictMarker({
  verdict,
  costUsd,
}: {
  verdict: BatonVerdict;
  costUsd: number;
}): string {
  return `<!-- baton:verdict ${verdict} cost=${costUsd.toFixed(4)} -->`;
}

/**
 * The verdict of the last marker in the body. Publish writes its marker after
 * everything a model wrote (only its own run marker follows), so a marker
 * that model text carried past neutralizing could only come earlier: it must
 * not win over Baton's.
 */
export function parseVerdictMarker(
  body: string,
): { verdict: BatonVerdict; costUsd: number } | null {
  const match = [...body.matchAll(MARKER)].at(-1);
  if (!match) return null;
  return { verdict: match[1] as BatonVerdict, costUsd: Number(match[2] ?? 0) };
}
