import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { afterEach } from 'vitest';
import { type FakeAnthropic, type Respond, startFakeAnthropic } from '../../sim/fake-anthropic.js';
import { type FakeOpenAi, type RespondResponses, startFakeOpenAi } from '../../sim/fake-openai.js';
import { type Config, defaultConfig, parseConfig } from '../../src/core/config/config.js';
import type { ProviderRegistry, Upstream } from '../../src/session/agent/engines/provider-kit.js';
import { resolveLimits } from '../../src/session/agent/model/limits.js';
import { createUsageMeter, type UsageMeter } from '../../src/session/agent/model/usage-meter.js';
import {
  type ModelProxy,
  startModelProxy,
} from '../../src/session/agent/model-proxy/model-proxy.js';
import { sessionModels, type WebPolicy } from '../../src/session/agent/model-proxy/model-routes.js';

/**
 * The real model proxy of one session against the fake providers
 * (sim/fake-anthropic.ts, sim/fake-openai.ts), for a session of the default
 * config unless a test says, and what a command holding the session's token
 * would send it. Everything a test starts is closed after it.
 */

export const NO_WEB: WebPolicy = { allowedDomains: [], blockedDomains: [], maxUses: 10 };

export interface ProxyHarness {
  proxy: ModelProxy;
  meter: UsageMeter;
  anthropic: FakeAnthropic;
  openai: FakeOpenAi;
  logs: string[];
}

/** What a test opened, closed after it (a test may add its own). */
export const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

export async function startHarness({
  anthropic: respondAnthropic = () => ({ message: { content: [{ type: 'text', text: 'ok' }] } }),
  openai: respondOpenAi = () => ({ output: [{ type: 'message', text: 'ok' }] }),
  maxUsd = null,
  research = NO_WEB,
  web = false,
  closeGraceMs,
  config = defaultConfig(),
  fetchImpl,
  providers,
  upstreams = {},
  models = [],
}: {
  anthropic?: Respond;
  openai?: RespondResponses;
  maxUsd?: number | null;
  research?: WebPolicy;
  web?: boolean;
  closeGraceMs?: number;
  /** The session's config: its models are the ones the proxy lets through, at its prices. */
  config?: Config;
  /** The proxy's way to the providers, in place of the fakes (an answer the fakes do not give). */
  fetchImpl?: typeof globalThis.fetch;
  /** The providers the proxy serves, in place of the built-in ones (a provider a test adds). */
  providers?: ProviderRegistry;
  /** Upstreams besides the fakes', by provider. */
  upstreams?: Record<string, Upstream>;
  /** Models the session may call besides the config's. */
  models?: readonly string[];
} = {}): Promise<ProxyHarness> {
  const anthropic = await startFakeAnthropic({ respond: respondAnthropic });
  const openai = await startFakeOpenAi({ respond: respondOpenAi });
  open.push(anthropic, openai);
  const meter = createUsageMeter();
  // As a session opens (agent-context.ts): the config's prices, and its models.
  meter.prices = config.models.prices;
  const logs: string[] = [];
  const limits = resolveLimits({
    config,
    startedAt: Date.now(),
    overrides: { maxUsd },
  });
  const proxy = await startModelProxy({
    ...(providers === undefined ? {} : { providers }),
    upstreams: {
      ...upstreams,
      anthropic: {
        provider: 'anthropic',
        baseUrl: anthropic.url,
        auth: async (headers) => ({ ...headers, 'x-api-key': 'sk-ant-test' }),
      },
      openai: {
        provider: 'openai',
        baseUrl: openai.url,
        auth: async (headers) => ({ ...headers, authorization: 'Bearer sk-openai-test' }),
      },
    },
    meter,
    limits,
    now: Date.now,
    log: (line) => logs.push(line),
    research,
    models: sessionModels(config.models, models),
    ...(closeGraceMs === undefined ? {} : { closeGraceMs }),
    ...(fetchImpl === undefined ? {} : { fetchImpl }),
  });
  proxy.allowWeb(web);
  open.unshift(proxy);
  return { proxy, meter, anthropic, openai, logs };
}

/** What a command would send: the session's token, the provider's headers, a JSON body. */
export async function send(
  proxy: ModelProxy,
  path: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const answer = await fetch(`${proxy.url}${path}`, {
    method: 'POST',
    headers: { ...proxyHeaders(proxy), ...headers },
    body: JSON.stringify(body),
  });
  return { status: answer.status, text: await answer.text() };
}

/** A count_tokens request through the proxy: free at the provider, of `body` (Sonnet, no messages). */
export function countTokens(
  proxy: ModelProxy,
  body: Record<string, unknown> = { model: 'claude-sonnet-5-5', messages: [] },
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return send(proxy, '/v1/messages/count_tokens', body, headers);
}

/** A request to the proxy's Messages API whose body and hang-up the test writes itself, as a command may. */
export function rawMessages(
  proxy: ModelProxy,
  onResponse: (res: IncomingMessage) => void,
): ClientRequest {
  return httpRequest(
    `${proxy.url}/v1/messages`,
    { method: 'POST', headers: proxyHeaders(proxy) },
    onResponse,
  );
}

/** What a session's request to the model proxy carries: JSON, the API's version, the proxy token. */
function proxyHeaders(proxy: ModelProxy): Record<string, string> {
  return {
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    authorization: `Bearer ${proxy.token}`,
  };
}

export const message = (fields: Record<string, unknown> = {}) => ({
  model: 'claude-sonnet-5-5',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hi' }],
  ...fields,
});
export const response = (fields: Record<string, unknown> = {}) => ({
  model: 'gpt-5.5',
  input: 'hi',
  ...fields,
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A config as .github/baton.yml would give it. */
export function configOf(raw: unknown): Config {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}
