/**
 * The known name a mistyped one most likely meant: a setting of
 * `.github/baton.yml` ("did you mean `maxUsd`?") or a command of the `baton`
 * CLI. By edit distance, case aside, a swap of two neighbours counting as one
 * edit (optimal string alignment), so `maxUSD`, `mxaUsd` and `maxUds` all
 * find `maxUsd`.
 */

/**
 * The candidate closest to `word`, or null when none is close enough: at most
 * one edit for a short word, about a third of its length for a longer one.
 * Ties go to the candidate listed first.
 */
export function findNearest(word: string, candidates: readonly string[]): string | null {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { name: string; distance: number } | null = null;
  for (const name of candidates) {
    if (name === word) continue;
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance <= limit && (best === null || distance < best.distance)) {
      best = { name, distance };
    }
  }
  return best?.name ?? null;
}

/** `; did you mean \`name\`?`, or nothing when no candidate is near. */
export function renderDidYouMean(word: string, candidates: readonly string[]): string {
  const nearest = findNearest(word, candidates);
  return nearest ? `; did you mean \`${nearest}\`?` : '';
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, at(i - 2, j - 2) + 1);
      }
      const row = d[i];
      if (row) row[j] = value;
    }
  }
  return at(a.length, b.length);
}
