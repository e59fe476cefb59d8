import { createHmac, randomUUID } from 'node:crypto';
import type { SimEvent } from '../github/events.js';
import type { FakeGitHub } from '../github/fake-github.js';
import { type MachineLimit, machineLimit } from '../machine-time.js';
import type { Faults } from './faults.js';

/** One webhook delivery attempt, as a test wants to see it. */
export interface WebhookRecord {
  id: string;
  /** `issues.labeled`, `push`, … */
  event: string;
  /** The HTTP status the app answered, the network error, or `dropped` (a fault: never sent). */
  status: number | string;
  /** The repository it came from (`owner/repo`). */
  repository: string;
  /** When it was sent (`Date.now()`). */
  sentAt: number;
}

/** GitHub's signature headers for a body: sha256 (what apps check) and the legacy sha1. */
export function signBody(body: string, secret: string): Record<string, string> {
  return {
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
  };
}

const POLL_MS = 20;
/** With reordering on, events are gathered this long so there is something to reorder. */
const GATHER_MS = 30;
/**
 * GitHub gives an app 10 seconds to answer a delivery, then counts it failed and sends it no
 * more. Counted in the machine's time (sim/machine-time.ts): on a loaded test machine the app
 * waits for a core as long as the load says, and an event it had no core to read in time is
 * the machine's loss, not the app's.
 */
const DELIVERY_TIMEOUT_MS = 10_000;
/** How often a delivery under way looks at its limit. */
const DELIVERY_LOOK_MS = 250;

/**
 * Takes webhooks from `gh.outbox` and posts them to the app one at a time,
 * signed and shaped as GitHub delivers them. Fault knobs may duplicate them or
 * shuffle the ones waiting together.
 */
export class WebhookSender {
  readonly deliveries: WebhookRecord[];
  readonly #gh: Pick<FakeGitHub, 'outbox' | 'fullName'>;
  readonly #deliveryLimit: () => MachineLimit;
  readonly #urls: string[];
  readonly #secret: string;
  readonly #faults: Faults;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> | null = null;

  constructor({
    gh,
    url,
    secret,
    faults,
    deliveries = [],
    deliveryLimit = () => machineLimit(DELIVERY_TIMEOUT_MS),
  }: {
    gh: Pick<FakeGitHub, 'outbox' | 'fullName'>;
    url: string | string[];
    secret: string;
    faults: Faults;
    /** Where each attempt is recorded (several senders may share one list). */
    deliveries?: WebhookRecord[];
    /** A delivery's limit, from when it is sent: GitHub's 10 s of the machine's time; a test's clock. */
    deliveryLimit?: () => MachineLimit;
  }) {
    this.deliveries = deliveries;
    this.#deliveryLimit = deliveryLimit;
    this.#gh = gh;
    this.#urls = Array.isArray(url) ? url : [url];
    this.#secret = secret;
    this.#faults = faults;
    this.#timer = setInterval(() => this.pump(), POLL_MS);
    this.#timer.unref();
  }

  /** Starts delivering what is waiting, unless a delivery is already under way. */
  pump(): void {
    if (this.#running || this.#gh.outbox.length === 0) return;
    this.#running = this.#drain().finally(() => {
      this.#running = null;
    });
  }

  /** Resolves once the outbox is empty and nothing is being delivered. */
  async idle(): Promise<void> {
    for (;;) {
      this.pump();
      if (!this.#running) return;
      await this.#running;
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async #drain(): Promise<void> {
    const { reorderWindow, duplicateWebhooks } = this.#faults.settings;
    if (reorderWindow > 1) await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
    while (this.#gh.outbox.length > 0) {
      const batch = this.#gh.outbox.splice(0, Math.max(1, reorderWindow));
      if (reorderWindow > 1) this.#faults.shuffle(batch);
      for (const event of batch) {
        const id = randomUUID();
        if (this.#faults.dropsWebhook(event.payload.sender as { type?: unknown } | undefined)) {
          this.deliveries.push({ ...this.#recordOf(event, id), status: 'dropped' });
          continue;
        }
        // Several replicas behind one webhook URL: each delivery reaches all of them
        // (fan-out), or one, as a load balancer spreads them; a duplicate may reach another.
        if (this.#faults.settings.fanOut)
          await Promise.all(this.#urls.map((url) => this.#deliver(event, id, url)));
        else await this.#spread(event, id);
        if (duplicateWebhooks) await this.#deliver(event, id, this.#pick());
      }
    }
  }

  /**
   * One replica, picked at random; one that cannot be reached (a replica that died) is
   * passed over for the next, as a load balancer retries another upstream on a refused
   * connection (nginx's `proxy_next_upstream error`).
   */
  async #spread(event: SimEvent, id: string): Promise<void> {
    const first = this.#urls.indexOf(this.#pick());
    for (let i = 0; i < this.#urls.length; i++) {
      const record = await this.#deliver(
        event,
        id,
        this.#urls[(first + i) % this.#urls.length] ?? '',
      );
      if (typeof record.status === 'number') return;
    }
  }

  #pick(): string {
    const index = this.#urls.length > 1 ? Math.floor(this.#faults.random() * this.#urls.length) : 0;
    return this.#urls[index] ?? '';
  }

  #recordOf(event: SimEvent, id: string): WebhookRecord {
    const action = typeof event.payload.action === 'string' ? `.${event.payload.action}` : '';
    return {
      id,
      event: `${event.name}${action}`,
      status: 'pending',
      repository: this.#gh.fullName,
      sentAt: Date.now(),
    };
  }

  async #deliver(event: SimEvent, id: string, url: string): Promise<WebhookRecord> {
    const body = JSON.stringify(event.payload);
    const record = this.#recordOf(event, id);
    this.deliveries.push(record);
    const limit = this.#deliveryLimit();
    const abort = new AbortController();
    const look = setInterval(() => {
      if (limit.ranOut()) abort.abort(new Error(limit.told('the app’s answer')));
    }, DELIVERY_LOOK_MS);
    look.unref();
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        signal: abort.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/simulator',
          'x-github-event': event.name,
          'x-github-delivery': id,
          'x-github-hook-id': '1',
          'x-github-hook-installation-target-type': 'integration',
          'x-github-hook-installation-target-id': '1',
          ...signBody(body, this.#secret),
        },
      });
      await response.arrayBuffer();
      record.status = response.status;
    } catch (error) {
      record.status = error instanceof Error ? error.message : String(error);
    } finally {
      clearInterval(look);
    }
    return record;
  }
}
