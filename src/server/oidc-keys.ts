import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

/** Returns the issuer's key set, discovering it on first use. */
export type KeyResolver = () => Promise<JWTVerifyGetKey>;

const Discovery = z.object({ jwks_uri: z.string().url() });

const DISCOVERY_TIMEOUT_MS = 5000;

/**
 * Finds the issuer's keys through `<issuer>/.well-known/openid-configuration`
 * once, then keeps the remote key set (jose caches the keys and refetches
 * when a token names a key it has not seen, as after a key rotation). A
 * failed discovery is not cached, so the next request tries again.
 */
export function createKeyResolver(issuer: string): KeyResolver {
  let keys: JWTVerifyGetKey | null = null;
  let pending: Promise<JWTVerifyGetKey> | null = null;
  return async () => {
    if (keys) return keys;
    pending ??= discoverKeys(issuer).finally(() => {
      pending = null;
    });
    keys = await pending;
    return keys;
  };
}

async function discoverKeys(issuer: string): Promise<JWTVerifyGetKey> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const discovery = Discovery.safeParse(await response.json());
  if (!discovery.success) throw new Error(`${url} names no jwks_uri`);
  return createRemoteJWKSet(new URL(discovery.data.jwks_uri));
}
