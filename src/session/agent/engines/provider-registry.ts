/**
 * The providers the engines call, one line each (AGENTS.md, "How to add an
 * engine"), beside the engines' own registry (engine-registry.ts): the
 * name's kit, from providers/. The core knows each provider's name, key,
 * models and prices (src/core/vocabulary/provider-names.ts,
 * src/core/sessions/providers.ts, PROVIDER_PRICES); the model proxy reads
 * everything else of a provider from its kit here, and asks none which one it is.
 */

import type { PriceTable } from '../../../core/vocabulary/pricing.js';
import type { Provider } from '../../../core/vocabulary/provider-names.js';
import type { ProviderKit, ProviderRegistry } from './provider-kit.js';
import { ANTHROPIC } from './providers/anthropic.js';
import { OPENAI } from './providers/openai.js';

export const PROVIDER_KITS = {
  anthropic: ANTHROPIC,
  openai: OPENAI,
} as const satisfies Record<Provider, ProviderKit>;

/** The kit of `provider` in `registry`; a name it lacks is a mistake of Baton's own. */
export function providerKit(registry: ProviderRegistry, provider: string): ProviderKit {
  const kit = Object.hasOwn(registry, provider) ? registry[provider] : undefined;
  if (!kit) throw new Error(`no provider ${provider} in the model proxy's registry`);
  return kit;
}

/** The price lists of a registry's providers, by name, for the meter and the estimates. */
export function priceTable(registry: ProviderRegistry): PriceTable {
  return Object.fromEntries(Object.entries(registry).map(([name, kit]) => [name, kit.prices]));
}
