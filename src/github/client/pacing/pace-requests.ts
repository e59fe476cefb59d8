import { createGraphqlAllowance, type GraphqlAllowance } from './graphql-allowance.js';
import {
  createInstallationPacer,
  GITHUB_PACE,
  type InstallationPacer,
  kindOfRequest,
  type PaceRules,
  type RequestKind,
} from './request-pacer.js';
import { createWriteBudget, type WriteBudget } from './write-budget.js';

interface PacedOctokit {
  hook: {
    before(name: 'request', fn: (options: Record<string, unknown>) => Promise<void>): void;
    after(
      name: 'request',
      fn: (
        response: { headers?: Record<string, string | number | undefined> },
        options: Record<string, unknown>,
      ) => void,
    ): void;
  };
}

interface ThrottleOptions {
  enabled?: boolean;
  id?: string;
  connection?: unknown;
}

/**
 * The installations' pacers of this process, by throttle id (one per
 * installation; `no-id` for the app's own client). Module-wide, like
 * Octokit's throttle groups, because Probot makes a client per event.
 */
export interface PacerRegistry {
  forId(id: string): InstallationPacer;
  /**
   * Waits until a request of this kind may start, where replicas pace together
   * (Bottleneck's Redis clustering, src/github/store/redis-pacing.ts); none: `forId`'s
   * reservations, this process's alone.
   */
  take?(id: string, kind: RequestKind): Promise<void>;
  /** The installation's count of content-creating requests (`WriteBudget`). */
  budgetForId(id: string): WriteBudget;
  /** What GitHub last said is left of the installation's hourly GraphQL points. */
  allowanceForId(id: string): GraphqlAllowance;
}

export function createPacerRegistry(
  rules: PaceRules,
  {
    makeBudget = () => createWriteBudget(),
    take,
  }: {
    /** The write budget of installation `id` (replicas: one they share). */
    makeBudget?: (id: string) => WriteBudget;
    take?: PacerRegistry['take'];
  } = {},
): PacerRegistry {
  return {
    ...(take ? { take } : {}),
    allowanceForId: perId(() => createGraphqlAllowance()),
    forId: perId(() => createInstallationPacer(rules)),
    budgetForId: perId(makeBudget),
  };
}

/** One value per installation id, made the first time the id is asked for. */
function perId<T>(make: (id: string) => T): (id: string) => T {
  const made = new Map<string, T>();
  return (id) => {
    let value = made.get(id);
    if (value === undefined) {
      value = make(id);
      made.set(id, value);
    }
    return value;
  };
}

/** The GraphQL points `paceRequests` reads for a client's installation; none when it does not pace. */
export function graphqlAllowanceOf(octokit: object): GraphqlAllowance | undefined {
  return (octokit as { graphqlAllowance?: GraphqlAllowance }).graphqlAllowance;
}

/** The write budget `paceRequests` keeps for a client's installation; none when it does not pace. */
export function writeBudgetOf(octokit: object): WriteBudget | undefined {
  return (octokit as { writeBudget?: WriteBudget }).writeBudget;
}

/**
 * `BATON_WRITE_SPACING_MS` changes the spacing of writes; only a simulation
 * should lower it (the demo and the end-to-end tests do), never an app
 * talking to GitHub.
 */
export function paceRulesFrom(env: Record<string, string | undefined>): PaceRules {
  const spacing = env.BATON_WRITE_SPACING_MS;
  const ms = spacing !== undefined && spacing !== '' ? Number(spacing) : Number.NaN;
  return Number.isFinite(ms) ? { ...GITHUB_PACE, writeSpacingMs: Math.max(0, ms) } : GITHUB_PACE;
}

/**
 * An Octokit plugin that waits, before each request, as long as the
 * installation's pacer says (every replica's together where they share a
 * store). It stands aside when throttling is off (app tests).
 */
export function paceRequests({
  registry,
  // Read at each request, not taken once: the app's client is made when its module loads.
  now = () => Date.now(),
  sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
}: {
  registry: PacerRegistry;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}) {
  return (
    octokit: PacedOctokit,
    options: { throttle?: ThrottleOptions },
  ): { writeBudget?: WriteBudget; graphqlAllowance?: GraphqlAllowance } => {
    const throttle = options.throttle;
    if (!isOwnPacing(throttle)) return {};
    const id = throttle?.id ?? 'no-id';
    const pacer = registry.forId(id);
    const writeBudget = registry.budgetForId(id);
    octokit.hook.before('request', async (request) => {
      const kind = kindOfRequest(request as never);
      if (registry.take) await registry.take(id, kind);
      else {
        const wait = pacer.reserve(kind, now());
        if (wait > 0) await sleep(wait);
      }
      if (kind === 'write' || kind === 'mutation') writeBudget.note();
    });
    const graphqlAllowance = registry.allowanceForId(id);
    // GraphQL answers say what is left of the hour's points (`x-ratelimit-*`, resource graphql).
    octokit.hook.after('request', (response) => {
      if (response.headers) graphqlAllowance.note(response.headers, now());
    });
    return { writeBudget, graphqlAllowance };
  };
}

/**
 * Whether Baton paces this client itself: throttling on. Where Probot shares
 * Octokit's throttle through Redis (`REDIS_URL`, its `connection`), Baton still
 * paces writes and queries by GitHub's rules, across replicas through its own
 * store: Octokit's write limiter would space every GraphQL query a second apart.
 */
export function isOwnPacing(throttle: ThrottleOptions | undefined): boolean {
  return throttle?.enabled !== false;
}
