import type { ApiResponse } from '../github/router.js';
import { secondaryLimitRefusal } from '../github/secondary-limit.js';

/** What the simulator does wrong on purpose; every knob can change while it runs. */
export interface FaultSettings {
  /** Deliver every webhook twice, with the same delivery id (as a redelivery does). */
  duplicateWebhooks: boolean;
  /** Shuffle the webhooks waiting together, up to this many at a time; 1 keeps GitHub's order. */
  reorderWindow: number;
  /** The fraction (0..1) of REST requests answered `502 Bad Gateway` before they are routed. */
  restFailureRate: number;
  /** The fraction (0..1) of REST requests answered with a secondary rate limit (`retry-after: 1`). */
  rateLimitRate: number;
  /** The fraction (0..1) of REST requests whose connection is reset before any answer. */
  resetRate: number;
  /** Whose REST requests faults hit: the app's only, or the sessions' too. */
  restFaultScope: 'app' | 'all';
  /** Deliver every webhook to each replica of the app at once (when there are several). */
  fanOut: boolean;
  /**
   * The fraction (0..1) of webhooks GitHub never delivers, to any replica: those its own
   * work and the app's caused (runs, pushes, pull requests, the app's comments). A person's
   * action is always delivered: nothing but its event (or the resync) can tell of it.
   */
  dropWebhookRate: number;
}

/** A secondary rate limit armed for the next matching request. */
export interface RateLimitFault {
  status: 403 | 429;
  /** A method and path prefix (`POST /repos/octo-org/widgets/issues/`); any request when omitted. */
  match?: string;
}

/** A fault that answered a request instead of the simulated GitHub. */
export interface RestFault {
  /** `reset`: the server closes the connection instead of answering. */
  kind: 'bad-gateway' | 'rate-limit' | 'reset';
  response: ApiResponse;
}

/** The simulator as it is by default: GitHub on a good day. */
export const NO_FAULTS: FaultSettings = {
  duplicateWebhooks: false,
  reorderWindow: 1,
  restFailureRate: 0,
  rateLimitRate: 0,
  resetRate: 0,
  restFaultScope: 'app',
  fanOut: true,
  dropWebhookRate: 0,
};

/** GitHub's answer to too many content-creating requests, to be retried after a second. */
export function secondaryRateLimit(status: 403 | 429): ApiResponse {
  return secondaryLimitRefusal(status, 1);
}

const BAD_GATEWAY: ApiResponse = {
  status: 502,
  body: { message: 'Server Error', documentation_url: 'https://docs.github.com/rest' },
};

/**
 * The fault knobs and a seeded random source, so that a run with the same seed
 * fails the same requests.
 */
export class Faults {
  settings: FaultSettings;
  readonly #rateLimits: RateLimitFault[] = [];
  readonly #badGateways: string[] = [];
  #state: number;

  constructor({
    settings = {},
    seed = 1,
  }: { settings?: Partial<FaultSettings>; seed?: number } = {}) {
    this.settings = { ...NO_FAULTS, ...settings };
    this.#state = seed >>> 0;
  }

  /** Changes some knobs. */
  set(settings: Partial<FaultSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  /** Answers the next request that matches with a secondary rate limit and `retry-after: 1`. */
  rateLimitNext(fault: RateLimitFault): void {
    this.#rateLimits.push(fault);
  }

  /** Answers the next request whose `METHOD /path` starts with `match` with a 502, whoever sends it. */
  badGatewayNext(match: string): void {
    this.#badGateways.push(match);
  }

  /** A number in [0, 1) (mulberry32). */
  random(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Whether GitHub loses a webhook that `sender` caused. */
  dropsWebhook(sender: { type?: unknown } | undefined): boolean {
    const { dropWebhookRate } = this.settings;
    return dropWebhookRate > 0 && sender?.type !== 'User' && this.random() < dropWebhookRate;
  }

  /** Shuffles in place (Fisher–Yates with the seeded source). */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }

  /** The fault a REST request gets instead of its answer, or null. */
  restFault({
    method,
    path,
    fromApp,
  }: {
    method: string;
    path: string;
    fromApp: boolean;
  }): RestFault | null {
    const armed = this.#badGateways.findIndex((match) => `${method} ${path}`.startsWith(match));
    if (armed >= 0) {
      this.#badGateways.splice(armed, 1);
      return { kind: 'bad-gateway', response: BAD_GATEWAY };
    }
    if (!fromApp && this.settings.restFaultScope === 'app') return null;
    const index = this.#rateLimits.findIndex(
      ({ match }) => !match || `${method} ${path}`.startsWith(match),
    );
    if (index >= 0) {
      const [fault] = this.#rateLimits.splice(index, 1);
      return { kind: 'rate-limit', response: secondaryRateLimit(fault?.status ?? 403) };
    }
    const { restFailureRate, rateLimitRate, resetRate } = this.settings;
    if (restFailureRate + rateLimitRate + resetRate <= 0) return null;
    const draw = this.random();
    if (draw < restFailureRate) return { kind: 'bad-gateway', response: BAD_GATEWAY };
    if (draw < restFailureRate + rateLimitRate) {
      return { kind: 'rate-limit', response: secondaryRateLimit(403) };
    }
    if (draw < restFailureRate + rateLimitRate + resetRate) {
      return { kind: 'reset', response: BAD_GATEWAY };
    }
    return null;
  }
}
