import { remembered } from '../../process-memory.js';
import { type Octokit, statusOf } from './types.js';

/**
 * Conditional reads: a read that a reconcile repeats sends back the `etag`
 * GitHub gave it last time (`If-None-Match`), and an answer of `304 Not
 * Modified`, which has no body, stands for the page kept from then. GitHub's
 * REST documentation: "Making a conditional request does not count against
 * your primary rate limit if a 304 response is returned" ("Best practices for
 * using the REST API", Use conditional requests if appropriate). GraphQL has
 * no conditional requests.
 *
 * https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
 *
 * Each page is kept by its URL (the repository is in it), with what the
 * caller picked of it, not GitHub's whole answer; at most `PAGES_KEPT` pages,
 * the least recently read forgotten first. A listing read lately may stand
 * for a new read (`freshFrom`): builds of one repository that reconcile at
 * once share one listing of its runs, as long as it began after each of them
 * began (so it shows every event that set them off). The pages are kept in
 * this process only: GitHub stays the database, and a restart costs one full
 * read of each.
 */
export const PAGES_KEPT = 500;

/** How long a listing may stand for another read at most: reconciles that begin together share it. */
const SHARE_MS = 60_000;

interface KeptPage<T> {
  etag: string;
  items: T[];
  next: string | null;
}

/** A whole listing read, or being read, and when its read began. */
interface SharedListing<T> {
  startedAt: number;
  items: Promise<T[]>;
}

export interface ConditionalReads {
  /**
   * Every page of a GET listing, each asked conditionally, with what `pick`
   * takes of each page's answer. A listing of the same URL that began at or
   * after `freshFrom` (ms) is shared instead of read again.
   */
  paginate<T>(
    octokit: Octokit,
    {
      route,
      params,
      pick,
      freshFrom,
      scope,
    }: {
      route: string;
      params: Record<string, unknown>;
      pick: (data: unknown) => T[];
      freshFrom?: number;
      /** Whose listing a URL that names no repository is (`installation 12`: its repositories). A kept page holds what its reader picked: readers that pick differently need scopes of their own. */
      scope?: string;
      /** Reads at most this many pages (the first ones); every page unless given. */
      pages?: number;
    },
  ): Promise<T[]>;
  /** Forgets every page and listing (tests). */
  clear(): void;
}

export function createConditionalReads({
  now = Date.now,
  limit = PAGES_KEPT,
}: {
  now?: () => number;
  limit?: number;
} = {}): ConditionalReads {
  const pages = new Map<string, KeptPage<unknown>>();
  const listings = new Map<string, SharedListing<unknown>>();
  const keep = (url: string, page: KeptPage<unknown>) => {
    pages.delete(url);
    pages.set(url, page);
    if (pages.size > limit) {
      const oldest = pages.keys().next().value;
      if (oldest !== undefined) pages.delete(oldest);
    }
  };
  async function readPage<T>(
    octokit: Octokit,
    { url, key }: { url: string; key: string },
    pick: (data: unknown) => T[],
  ): Promise<KeptPage<T>> {
    const kept = pages.get(key) as KeptPage<T> | undefined;
    try {
      const answer = await octokit.request({
        method: 'GET',
        url,
        ...(kept ? { headers: { 'if-none-match': kept.etag } } : {}),
      });
      const page: KeptPage<T> = {
        etag: String(answer.headers.etag ?? ''),
        items: pick(answer.data),
        next: nextOf(answer.headers.link),
      };
      if (page.etag) keep(key, page as KeptPage<unknown>);
      else pages.delete(key);
      return page;
    } catch (error) {
      if (statusOf(error) !== 304 || !kept) throw error;
      keep(key, kept as KeptPage<unknown>);
      return kept;
    }
  }
  async function readAll<T>(
    octokit: Octokit,
    { first, scope, pages: most }: { first: string; scope: string; pages: number },
    pick: (data: unknown) => T[],
  ): Promise<T[]> {
    const items: T[] = [];
    let read = 0;
    for (let url: string | null = first; url && read < most; read++) {
      const page: KeptPage<T> = await readPage(octokit, { url, key: `${scope} ${url}` }, pick);
      items.push(...page.items);
      url = page.next;
    }
    return items;
  }
  return {
    paginate(
      octokit,
      { route, params, pick, freshFrom, scope = '', pages = Number.POSITIVE_INFINITY },
    ) {
      const url = octokit.request.endpoint(route, params).url;
      const first = `${scope} ${url}`;
      const shared = listings.get(first) as
        | SharedListing<ReturnType<typeof pick>[number]>
        | undefined;
      if (shared && freshFrom !== undefined && shared.startedAt >= freshFrom) return shared.items;
      const startedAt = now();
      const listing = { startedAt, items: readAll(octokit, { first: url, scope, pages }, pick) };
      listings.delete(first);
      listings.set(first, listing as SharedListing<unknown>);
      // A failed read is shared by those waiting on it, never by a later one.
      listing.items.catch(() => {
        if (listings.get(first) === (listing as SharedListing<unknown>)) listings.delete(first);
      });
      // Oldest first: those past sharing are forgotten.
      for (const [key, old] of listings) {
        if (old.startedAt >= startedAt - SHARE_MS) break;
        listings.delete(key);
      }
      return listing.items;
    },
    clear() {
      pages.clear();
      listings.clear();
    },
  };
}

/** The `next` page of a `link` header, if any. */
function nextOf(link: unknown): string | null {
  if (typeof link !== 'string') return null;
  return /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] ?? null;
}

/** This process's conditional reads, shared by every installation's client (the URL names the repository). */
export const conditionalReads = remembered(createConditionalReads());
