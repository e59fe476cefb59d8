import { TokenCache } from '@anthropic-ai/sdk/lib/credentials/token-cache';
import type { Provider } from '../../../core/sessions/engines.js';
import type { SessionEnv } from '../../env.js';
import { ModelAuthError, modelAuth } from '../model/model-credentials.js';

/**
 * Where the model proxy sends each provider's requests, and the credential it
 * adds: the only place in a session that holds one. Anthropic's is the stored
 * key or, with workload identity federation, a short-lived token this process
 * mints and caches (`TokenCache`, refreshed before it expires); OpenAI's the
 * stored key.
 */
export interface Upstream {
  provider: Provider;
  /** `https://api.anthropic.com`, `https://api.openai.com/v1`, or the repository's own endpoint. */
  baseUrl: string;
  /** The credential's headers for one request, and beta flags it needs appended. */
  auth(): Promise<{ headers: Record<string, string>; betas: string[] }>;
}

const ANTHROPIC_API = 'https://api.anthropic.com';
const OPENAI_API = 'https://api.openai.com/v1';
/** The beta Anthropic's API asks of a request made with an OAuth access token (the SDK's own). */
const OAUTH_BETA = 'oauth-2025-04-20';

/**
 * The upstreams a session can reach: Anthropic's when it has a key or a
 * federation rule, OpenAI's when it has a key. A provider left out is refused
 * by the proxy with what to set (`missingCredential`).
 */
export function sessionUpstreams(
  env: SessionEnv,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
): Partial<Record<Provider, Upstream>> {
  const upstreams: Partial<Record<Provider, Upstream>> = {};
  const anthropic = anthropicUpstream(env, fetchImpl);
  if (anthropic) upstreams.anthropic = anthropic;
  if (env.OPENAI_API_KEY) {
    const key = env.OPENAI_API_KEY;
    upstreams.openai = {
      provider: 'openai',
      baseUrl: env.OPENAI_BASE_URL ?? OPENAI_API,
      auth: async () => ({ headers: { authorization: `Bearer ${key}` }, betas: [] }),
    };
  }
  return upstreams;
}

function anthropicUpstream(env: SessionEnv, fetchImpl: typeof globalThis.fetch): Upstream | null {
  let auth: ReturnType<typeof modelAuth>;
  try {
    auth = modelAuth(env, fetchImpl);
  } catch (error) {
    if (error instanceof ModelAuthError) return null;
    throw error;
  }
  const baseUrl = env.ANTHROPIC_BASE_URL ?? ANTHROPIC_API;
  const { apiKey, credentials } = auth;
  if (typeof apiKey === 'string') {
    return {
      provider: 'anthropic',
      baseUrl,
      auth: async () => ({ headers: { 'x-api-key': apiKey }, betas: [] }),
    };
  }
  if (!credentials) return null;
  const cache = new TokenCache(credentials);
  return {
    provider: 'anthropic',
    baseUrl,
    auth: async () => ({
      headers: { authorization: `Bearer ${await cache.getToken()}` },
      betas: [OAUTH_BETA],
    }),
  };
}

/** What a session on `provider` needs set, for a refusal that says so. */
export function missingCredential(provider: Provider): string {
  return provider === 'anthropic'
    ? 'no Anthropic credential: set the repository secret ANTHROPIC_API_KEY and pass it to the agent job, or use workload identity federation (docs/security.md, "The model key")'
    : 'no OpenAI credential: set the repository secret OPENAI_API_KEY, which the Baton workflow passes to the session step, for sessions on an engine that calls OpenAI (Codex)';
}
