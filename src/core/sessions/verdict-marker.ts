/**
 * The hidden marker a Baton review carries: `<!-- baton:verdict approve cost=0.1234 -->`.
 * The review is posted with event COMMENT (an app cannot be a required
 * reviewer), so the verdict travels in the body; only reviews by the app's own
 * bot are read this way.
 */
export type BatonVerdict = 'approve' | 'changes-requested';

const MARKER = /<!-- baton:verdict (approve|changes-requested)(?: cost=(\d+(?:\.\d+)?))? -->/;

export function renderVerdictMarker({
  verdict,
  costUsd,
}: {
  verdict: BatonVerdict;
  costUsd: number;
}): string {
  return `<!-- baton:verdict ${verdict} cost=${costUsd.toFixed(4)} -->`;
}

export function parseVerdictMarker(
  body: string,
): { verdict: BatonVerdict; costUsd: number } | null {
  const match = MARKER.exec(body);
  if (!match) return null;
  return { verdict: match[1] as BatonVerdict, costUsd: Number(match[2] ?? 0) };
}
