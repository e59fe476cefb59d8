/**
 * How the app paces its own requests to GitHub, per installation, by GitHub's
 * published rules rather than by Octokit's blanket "every POST is a write":
 *
 * - REST reads (GET, HEAD) are not paced at all.
 * - GraphQL queries are budgeted by points: GitHub's secondary limit allows
 *   2,000 points a minute on the GraphQL endpoint, a query costing 1 point and
 *   a mutation 5. A query waits only when the last minute's points are spent.
 * - Content-creating writes (POST, PATCH, PUT, DELETE, and GraphQL mutations)
 *   keep GitHub's recommended second between them.
 *
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 * https://docs.github.com/en/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api#secondary-rate-limits
 *
 * The pacer holds only reservations (when a request may start), never
 * anything a build needs: a restarted process starts with an empty pacer.
 * It takes the time as an argument, so its rules are tested without timers.
 */
export type RequestKind = 'read' | 'query' | 'write' | 'mutation' | 'auth';

export interface PaceRules {
  /** Least time between two writes of one installation. */
  writeSpacingMs: number;
  /** GraphQL points one installation may spend in any `windowMs`. */
  pointsPerWindow: number;
  windowMs: number;
}

export const GITHUB_PACE: PaceRules = {
  writeSpacingMs: 1000,
  pointsPerWindow: 2000,
  windowMs: 60_000,
};

const QUERY_POINTS = 1;
const MUTATION_POINTS = 5;

/** One installation's reservations. */
export interface InstallationPacer {
  /** Reserves a start for a request of this kind; returns how long to wait from `now`, in ms. */
  reserve(kind: RequestKind, now: number): number;
}

export function createInstallationPacer(rules: PaceRules): InstallationPacer {
  let nextWriteAt = Number.NEGATIVE_INFINITY;
  // GraphQL points spent, oldest first: [start time, points].
  const spent: Array<[number, number]> = [];

  function reservePoints(points: number, earliest: number): number {
    while (spent.length > 0 && (spent[0]?.[0] ?? 0) <= earliest - rules.windowMs) spent.shift();
    let total = spent.reduce((sum, [, p]) => sum + p, 0);
    let at = earliest;
    // Drop the oldest spends until this one fits; it starts when the last dropped leaves the window.
    for (let i = 0; total + points > rules.pointsPerWindow && i < spent.length; i++) {
      const [time, p] = spent[i] as [number, number];
      total -= p;
      at = Math.max(at, time + rules.windowMs);
    }
    insertSorted(spent, [at, points]);
    return at;
  }

  function reserveWrite(earliest: number): number {
    const at = Math.max(earliest, nextWriteAt);
    nextWriteAt = at + rules.writeSpacingMs;
    return at;
  }

  return {
    reserve(kind, now) {
      switch (kind) {
        case 'read':
        case 'auth':
          return 0;
        case 'query':
          return reservePoints(QUERY_POINTS, now) - now;
        case 'write':
          return reserveWrite(now) - now;
        case 'mutation': {
          // Both rules hold: a mutation is a write and costs points.
          const at = reserveWrite(reservePoints(MUTATION_POINTS, now));
          return at - now;
        }
        default: {
          const unknown: never = kind;
          throw new Error(`unknown request kind ${String(unknown)}`);
        }
      }
    },
  };
}

function insertSorted(spent: Array<[number, number]>, entry: [number, number]): void {
  let i = spent.length;
  while (i > 0 && (spent[i - 1]?.[0] ?? 0) > entry[0]) i--;
  spent.splice(i, 0, entry);
}

interface RequestShape {
  method?: string;
  url?: string;
  query?: unknown;
}

/** What GitHub's rules make of a request, as Octokit's `request` hook sees it. */
export function kindOfRequest({ method = 'GET', url = '', query }: RequestShape): RequestKind {
  const upper = method.toUpperCase();
  if (upper === 'GET' || upper === 'HEAD') return 'read';
  const path = url.replace(/^https?:\/\/[^/]+/, '').replace(/^\/api\/v3(?=\/)/, '');
  if (isAuthPath(upper, path)) return 'auth';
  if (/^\/(api\/)?graphql\b/.test(path)) return isMutation(query) ? 'mutation' : 'query';
  return 'write';
}

function isMutation(query: unknown): boolean {
  if (typeof query !== 'string') return true; // unknown: the cautious answer
  const code = query.replace(/#[^\n]*/g, '').trimStart();
  return /^mutation\b/.test(code);
}

/** Token requests, which Octokit's throttle does not space either. */
function isAuthPath(method: string, path: string): boolean {
  return (
    (method === 'POST' && /^\/app\/installations\/[^/]+\/access_tokens$/.test(path)) ||
    (method === 'POST' && /^\/applications\/[^/]+\/token$/.test(path)) ||
    (method === 'PATCH' && /^\/applications\/[^/]+\/token\/scoped$/.test(path))
  );
}
