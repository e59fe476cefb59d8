import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

type Env = Record<string, string | undefined>;

/**
 * The variables `npm start` hands Probot: the process's, with `.env` in the
 * working directory over them (as Probot's own `run` applies it), and
 * `PRIVATE_KEY` as a PEM whatever way it came. `WEBHOOK_PROXY_URL` is left out:
 * Baton runs the proxy itself (`startWebhookProxy`), because Probot's stops the
 * process when the channel cannot be reached.
 */
export function readStartEnv(env: Env, cwd: string): { env: Env; webhookProxyUrl?: string } {
  const merged: Env = { ...env, ...readDotEnv(join(cwd, '.env')) };
  const { WEBHOOK_PROXY_URL: proxy, ...rest } = merged;
  if (rest.PRIVATE_KEY) rest.PRIVATE_KEY = normalizePrivateKey(rest.PRIVATE_KEY);
  return { env: rest, ...(proxy ? { webhookProxyUrl: proxy } : {}) };
}

/**
 * A private key as a PEM, from the forms it arrives in: Probot's setup writes
 * `PRIVATE_KEY="-----BEGIN …-----\n…\n-----END …-----\n"` to `.env`, and
 * `docker run --env-file` (or a Kubernetes secret made from that line) keeps
 * the quotes and the `\n` escapes literally. One pair of matching outer quotes
 * is removed and `\n` (and `\r\n`) escapes become line breaks; anything else is
 * left for Probot to judge (it also takes base64).
 */
export function normalizePrivateKey(value: string): string {
  let key = value.trim();
  const first = key[0];
  if (key.length >= 2 && (first === '"' || first === "'") && key.endsWith(first)) {
    key = key.slice(1, -1).trim();
  }
  if (key.includes('-----BEGIN') && key.includes('\\n')) {
    key = key.replace(/\\r\\n|\\n/g, '\n').trim();
  }
  return key;
}

function readDotEnv(path: string): Env {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  return parseEnv(text);
}
