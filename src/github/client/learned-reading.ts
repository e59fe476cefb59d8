/**
 * How Baton reads something real GitHub's GraphQL may not answer as Baton
 * needs, where no documentation settles it (`baton doctor` probes each):
 * `graphql`, `rest`, or `auto`: GraphQL, and REST for a repository once REST
 * is found to tell what GraphQL did not. Set by an app variable; default `auto`.
 */
export type Reading = 'graphql' | 'rest' | 'auto';

export function readingFrom(value: string | undefined): Reading {
  const reading = value?.trim();
  return reading === 'graphql' || reading === 'rest' ? reading : 'auto';
}

interface Repo {
  owner: string;
  repo: string;
}

/**
 * What `auto` learned, per repository: true once GraphQL answered as Baton
 * needs, false once REST told what GraphQL did not. A cache, not state: losing
 * it costs one REST reading.
 */
export class LearnedReading {
  readonly #graphqlAnswers = new Map<string, boolean>();

  /** Whether GraphQL answers for the repository; undefined while not known. */
  known(ctx: Repo): boolean | undefined {
    return this.#graphqlAnswers.get(`${ctx.owner}/${ctx.repo}`);
  }

  learn(ctx: Repo, graphqlAnswers: boolean): void {
    this.#graphqlAnswers.set(`${ctx.owner}/${ctx.repo}`, graphqlAnswers);
  }

  /** What `auto` uses for the repository now, for the log and tests. */
  of(ctx: Repo): 'graphql' | 'rest' | 'unknown' {
    const known = this.known(ctx);
    return known === undefined ? 'unknown' : known ? 'graphql' : 'rest';
  }

  /** Forgets what was learned (tests). */
  clear(): void {
    this.#graphqlAnswers.clear();
  }
}
