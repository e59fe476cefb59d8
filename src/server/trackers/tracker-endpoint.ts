/**
 * The trackers' webhook endpoints, on the app's own server:
 * `POST /api/baton/trackers/linear` and `POST /api/baton/trackers/jira`. A
 * delivery counts only when its signature is the HMAC-SHA256 of its raw body
 * under the tracker's secret (Linear: hex in `Linear-Signature`; Jira's admin
 * webhooks: `sha256=<hex>` in `X-Hub-Signature`), compared in constant time;
 * when its time is within the window (Linear's `webhookTimestamp`, Jira's
 * `timestamp`); and when its delivery id (`Linear-Delivery`,
 * `X-Atlassian-Webhook-Identifier`) is new to the store the replicas share.
 * Anything else starts nothing and is answered nowhere but in the response.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tracker } from '../../core/config/trackers.js';
import type { TrackerAnswer } from '../../github/reconcile/doors/on-tracker-issue.js';
import type { Handler } from '../session-token.js';
import { readJiraDelivery, readLinearDelivery, type TrackerDelivery } from './tracker-payloads.js';
import type { TrackerSettings } from './tracker-settings.js';

/** Where each tracker's webhooks arrive. */
export const TRACKER_ROUTES: Record<Tracker, string> = {
  linear: '/api/baton/trackers/linear',
  jira: '/api/baton/trackers/jira',
};

/** How far a delivery's time may be from the app's: Linear's documented minute; Jira's five. */
export const TRACKER_WINDOW_MS: Record<Tracker, number> = { linear: 60_000, jira: 5 * 60_000 };

/** The largest body read: a tracker's issue with its description fits well within. */
const BODY_LIMIT = 1_000_000;

export interface TrackerEndpointDeps {
  settings: TrackerSettings;
  /** Whether this delivery id is new (the store replicas share): the first to ask handles it. */
  claim: (id: string) => Promise<boolean>;
  /** The app's clock, in ms. */
  now: () => number;
  /** The door: what a verified tracker's issue asks; `say` answers on that issue (`marker`: as Baton's one comment). */
  door: (
    issue: TrackerDelivery['issue'],
    say: (text: string, marker?: string) => Promise<void>,
  ) => Promise<TrackerAnswer>;
  /** Answers on a tracker's issue, where its credentials are set (`replierFor`). */
  reply: (
    tracker: Tracker,
  ) => ((replyTo: string, text: string, marker?: string) => Promise<void>) | null;
  log: {
    info: (bindings: object, message: string) => void;
    warn: (bindings: object, message: string) => void;
  };
}

/** The handler of both trackers' endpoints; false for any other path. */
export function createTrackerHandler(deps: TrackerEndpointDeps): Handler {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    const tracker = (Object.keys(TRACKER_ROUTES) as Tracker[]).find(
      (one) => TRACKER_ROUTES[one] === path,
    );
    if (!tracker) return false;
    void receive(tracker, req, res, deps).catch((err: unknown) => {
      deps.log.warn({ err, tracker }, 'baton: a tracker delivery failed');
      if (!res.headersSent) send(res, 500, { message: 'failed' });
    });
    return true;
  };
}

/** One delivery: read, verified, claimed once, then handed to the door. */
export async function receive(
  tracker: Tracker,
  req: IncomingMessage,
  res: ServerResponse,
  deps: TrackerEndpointDeps,
): Promise<void> {
  if (req.method !== 'POST') return void send(res, 405, { message: 'use POST' });
  const secret = deps.settings[tracker]?.secret;
  if (!secret || !deps.settings.home)
    return void send(res, 404, { message: `the ${tracker} door is not set up` });
  const raw = await readBody(req);
  if (!raw) return void send(res, 413, { message: 'too large' });
  const header = tracker === 'linear' ? 'linear-signature' : 'x-hub-signature';
  if (!signedBy(secret, raw, headerOf(req, header), tracker === 'jira' ? 'sha256=' : ''))
    return void send(res, 401, { message: 'the signature does not match' });
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return void send(res, 400, { message: 'not JSON' });
  }
  const id = headerOf(
    req,
    tracker === 'linear' ? 'linear-delivery' : 'x-atlassian-webhook-identifier',
  );
  if (!/^[\w.:-]{1,128}$/.test(id)) return void send(res, 400, { message: 'no delivery id' });
  if (!(await deps.claim(`${tracker}:${id}`)))
    return void send(res, 200, { status: 'already received' });
  const at = (body as { webhookTimestamp?: unknown; timestamp?: unknown } | null)?.[
    tracker === 'linear' ? 'webhookTimestamp' : 'timestamp'
  ];
  if (typeof at !== 'number' || Math.abs(deps.now() - at) > TRACKER_WINDOW_MS[tracker])
    return void send(res, 400, { message: 'outside the delivery window' });
  const delivery =
    tracker === 'linear'
      ? readLinearDelivery(body)
      : readJiraDelivery(body, deps.settings.jira?.site ?? '');
  if (!delivery) return void send(res, 202, { status: 'no issue asks' });
  const replier = deps.reply(tracker);
  const say = async (text: string, marker?: string) => {
    if (!replier) return;
    // Baton's one comment is found by the issue's key, as the build's echo finds it.
    await replier(marker ? delivery.issue.key : delivery.replyTo, text, marker).catch(
      (err: unknown) =>
        deps.log.warn(
          { err, tracker, key: delivery.issue.key },
          'baton: could not answer in the tracker',
        ),
    );
  };
  const answer = await deps.door(delivery.issue, say);
  deps.log.info(
    { tracker, key: delivery.issue.key, deliveryId: id, answer },
    'baton: a tracker delivery',
  );
  send(res, 202, { status: answer.result });
}

/** Whether `presented` is `prefix` and the hex HMAC-SHA256 of `raw` under `secret`, compared in constant time. */
function signedBy(secret: string, raw: Buffer, presented: string, prefix: string): boolean {
  if (!presented.startsWith(prefix)) return false;
  const hex = presented.slice(prefix.length);
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}

function headerOf(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The raw body, or null past the limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > BODY_LIMIT) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
