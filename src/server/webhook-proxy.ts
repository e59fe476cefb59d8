/** What the proxy says; never the channel's path (whoever has it can read the webhooks). */
export interface ProxyLog {
  info: (message: string) => void;
  warn: (message: string) => void;
}

/** One connection to the channel: resolves once open; `onLost` is called at most once, when it drops. */
export interface ProxyConnection {
  close: () => void;
}
export type Connect = (options: {
  source: string;
  target: string;
  onLost: (reason: string) => void;
}) => Promise<ProxyConnection>;

export interface WebhookProxyOptions {
  /** `WEBHOOK_PROXY_URL`: a smee.io channel. */
  source: string;
  /** The app's own webhook URL on this machine. */
  target: string;
  log: ProxyLog;
  /** Opens one connection; default smee.io's client, when it is installed (a development dependency). */
  connect?: Connect;
  /** The first wait before trying again, doubled after each failure up to `maxDelayMs`; default 1 s and 60 s. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export interface WebhookProxy {
  stop: () => void;
}

/**
 * Forwards a webhook proxy channel's deliveries to the app, and never stops
 * the app: a channel it cannot reach (or that drops) is logged and tried again
 * after 1, 2, 4 … up to 60 s, while the app serves everything else.
 */
export function startWebhookProxy(options: WebhookProxyOptions): WebhookProxy {
  const first = options.firstDelayMs ?? 1_000;
  const max = options.maxDelayMs ?? 60_000;
  const connect = options.connect ?? connectSmee;
  const where = describeChannel(options.source);
  let stopped = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let connection: ProxyConnection | undefined;

  const again = (reason: string) => {
    if (stopped) return;
    const delay = Math.min(max, first * 2 ** failures);
    failures += 1;
    const told = reason.split(options.source).join(where);
    options.log.warn(
      `baton: the webhook proxy ${where} is unreachable (${told}); webhooks sent through it wait there; trying again in ${seconds(delay)}`,
    );
    timer = setTimeout(attempt, delay);
  };
  const attempt = () => {
    timer = undefined;
    if (stopped) return;
    let lost = false;
    const onLost = (reason: string) => {
      if (lost) return;
      lost = true;
      connection?.close();
      connection = undefined;
      again(reason);
    };
    connect({ source: options.source, target: options.target, onLost }).then(
      (opened) => {
        if (stopped || lost) {
          opened.close();
          return;
        }
        connection = opened;
        failures = 0;
        options.log.info(`baton: forwarding webhooks from ${where} to ${options.target}`);
      },
      (err: unknown) => {
        if (lost) return;
        lost = true;
        if (err instanceof ProxyUnavailable) {
          options.log.warn(`baton: ${err.message}`);
          return;
        }
        again(reasonOf(err));
      },
    );
  };
  attempt();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      connection?.close();
      connection = undefined;
    },
  };
}

/** No client to connect with: said once, not tried again. */
export class ProxyUnavailable extends Error {}

/** smee.io's client, loaded when first needed: absent from a production install, which then says so once. */
const connectSmee: Connect = async ({ source, target, onLost }) => {
  let SmeeClient: typeof import('smee-client').SmeeClient;
  try {
    ({ SmeeClient } = await import('smee-client'));
  } catch {
    throw new Error('smee-client is not installed (`npm install` with development dependencies)');
  }
  const quiet = { info: () => {}, error: () => {} };
  const client = new SmeeClient({ source, target, logger: quiet, maxConnectionTimeout: 30_000 });
  try {
    const events = await client.start();
    events.addEventListener('error', (event) => onLost(reasonOf(event)));
  } catch (err) {
    await client.stop();
    throw err;
  }
  return { close: () => void client.stop() };
};

function describeChannel(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(WEBHOOK_PROXY_URL is not a URL)';
  }
}

function reasonOf(err: unknown): string {
  if (err && typeof err === 'object') {
    const { message, code, cause } = err as { message?: unknown; code?: unknown; cause?: unknown };
    const causeCode =
      cause && typeof cause === 'object' ? (cause as { code?: unknown }).code : undefined;
    const parts = [message, code, causeCode].filter(
      (part): part is string | number => typeof part === 'string' || typeof part === 'number',
    );
    if (parts.length > 0) return [...new Set(parts.map(String))].join(', ');
  }
  return String(err);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
