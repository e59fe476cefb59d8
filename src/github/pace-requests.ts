import {
  createInstallationPacer,
  GITHUB_PACE,
  type InstallationPacer,
  kindOfRequest,
  type PaceRules,
} from './request-pacer.js';

interface PacedOctokit {
  hook: {
    before(name: 'request', fn: (options: Record<string, unknown>) => Promise<void>): void;
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
}

export function createPacerRegistry(rules: PaceRules): PacerRegistry {
  const pacers = new Map<string, InstallationPacer>();
  return {
    forId(id) {
      let pacer = pacers.get(id);
      if (!pacer) {
        pacer = createInstallationPacer(rules);
        pacers.set(id, pacer);
      }
      return pacer;
    },
  };
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
 * installation's pacer says. It stands aside when throttling is off (app
 * tests) and when Probot shares Octokit's throttle across replicas through
 * Redis (`connection`): that limiter, which spaces queries like writes, then
 * paces every replica together.
 */
export function paceRequests({
  registry,
  now = Date.now,
  sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
}: {
  registry: PacerRegistry;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}) {
  return (octokit: PacedOctokit, options: { throttle?: ThrottleOptions }) => {
    const throttle = options.throttle;
    if (!isOwnPacing(throttle)) return {};
    const pacer = registry.forId(throttle?.id ?? 'no-id');
    octokit.hook.before('request', async (request) => {
      const wait = pacer.reserve(kindOfRequest(request as never), now());
      if (wait > 0) await sleep(wait);
    });
    return {};
  };
}

/** Whether Baton paces this client itself (throttling on, in this process only). */
export function isOwnPacing(throttle: ThrottleOptions | undefined): boolean {
  return throttle?.enabled !== false && throttle?.connection === undefined;
}
