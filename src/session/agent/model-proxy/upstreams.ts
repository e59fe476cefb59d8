import type { SessionEnv } from '../../env.js';
import type { ProviderRegistry, Upstream } from '../engines/provider-kit.js';
import { PROVIDER_KITS } from '../engines/provider-registry.js';

export type { Upstream } from '../engines/provider-kit.js';

/**
 * Where the model proxy sends each provider's requests, and the credential it
 * adds: the only place in a session that holds one. Each provider's kit
 * (provider-registry.ts) makes its own from the session's variables.
 */
export interface SessionUpstreams {
  /** The providers the session holds a credential for. */
  upstreams: Record<string, Upstream>;
  /** What each of the others needs set, for a refusal that says so. */
  missing: Record<string, string>;
}

/**
 * The upstreams a session can reach: each provider's where the session has
 * its credential (Anthropic's a key or a federation rule, OpenAI's a key). A
 * provider left out is refused by the proxy with what to set.
 */
export function sessionUpstreams(
  env: SessionEnv,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
  registry: ProviderRegistry = PROVIDER_KITS,
): SessionUpstreams {
  const found: SessionUpstreams = { upstreams: {}, missing: {} };
  for (const [provider, kit] of Object.entries(registry)) {
    const upstream = kit.upstream(env, fetchImpl);
    if ('missing' in upstream) found.missing[provider] = upstream.missing;
    else found.upstreams[provider] = upstream;
  }
  return found;
}
