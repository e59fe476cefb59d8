/**
 * The order lessons are listed in by a count (uses, repeats): the most counted
 * first, a tie in the slugs' code-point order, the same on every machine.
 */
export function mostFirst<T extends { slug: string }>(
  count: (item: T) => number,
): (a: T, b: T) => number {
  return (a, b) => count(b) - count(a) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}
