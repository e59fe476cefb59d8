/**
 * Whose models the engines call, by name (docs/sessions.md, "Engines"): each
 * engine names one in ENGINE_TRAITS (src/core/sessions/engines.ts). What a
 * provider is lives in its registry entries, one a table keyed by this name
 * (`satisfies Record<Provider, …>`, so a provider missing from any is refused
 * by the compiler): its price list (PROVIDER_PRICES, pricing.ts), its key and
 * models (PROVIDER_TRAITS, src/core/sessions/providers.ts), and what the
 * model proxy does with its requests (PROVIDER_KITS,
 * src/session/agent/engines/provider-registry.ts). Nothing asks which one it is.
 */
export const PROVIDERS = ['anthropic', 'openai'] as const;
export type Provider = (typeof PROVIDERS)[number];
