/**
 * The change-set lists of several repositories read together (`baton check`
 * with several files): a repository listed under `changeSets.repositories`
 * may be changed by a set that starts in the listing one, and receives its
 * text (docs/change-sets.md). Lists that come back round to where they start
 * let every repository on the circle change, and send its text to, every
 * other one through it. Pure.
 */

/** A circle of lists (`acme/a → acme/b → acme/a`, the first repeated last), or null when there is none. */
export function findListCircle(lists: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (repository: string): string[] | null => {
    if (state.get(repository) === 'done') return null;
    if (state.get(repository) === 'open')
      return [...path.slice(path.indexOf(repository)), repository];
    state.set(repository, 'open');
    path.push(repository);
    for (const listed of lists.get(repository) ?? []) {
      const circle = visit(listed.toLowerCase());
      if (circle) return circle;
    }
    path.pop();
    state.set(repository, 'done');
    return null;
  };
  for (const repository of [...lists.keys()].sort()) {
    const circle = visit(repository);
    if (circle) return circle;
  }
  return null;
}
