/**
 * What the app and a session know of each provider (docs/sessions.md,
 * "Engines"), one line a provider: its name to people, the key the model
 * proxy holds for it, and where `.github/baton.yml` names the models of a
 * session on it. Its prices are PROVIDER_PRICES (src/core/vocabulary/pricing.ts);
 * what the model proxy does with its requests is its kit
 * (src/session/agent/engines/provider-registry.ts).
 */
import type { Provider } from '../vocabulary/provider-names.js';

export interface ProviderTraits {
  /** Its name to people. */
  title: string;
  /** The repository secret holding its key, which the model proxy holds. */
  secret: string;
  /** Where `.github/baton.yml` names the models of a session on it, as people read it. */
  models: string;
  /**
   * The key under `models` of those models (`models.openai.plan`), or null
   * where they are `models`' own (`models.plan`).
   */
  modelsKey: 'openai' | null;
}

export const PROVIDER_TRAITS = {
  anthropic: {
    title: 'Anthropic',
    secret: 'ANTHROPIC_API_KEY',
    models: 'models.*',
    modelsKey: null,
  },
  openai: {
    title: 'OpenAI',
    secret: 'OPENAI_API_KEY',
    models: 'models.openai.*',
    modelsKey: 'openai',
  },
} as const satisfies Record<Provider, ProviderTraits>;

/** The model ids a configuration names for each kind of session: `models`, or a provider's own under it. */
export type ModelIds<Kind extends string> = Readonly<Record<Kind, string>> & {
  readonly openai: Readonly<Record<Kind, string>>;
};

/** The model `models` names for a session of `kind` on `provider`. */
export function providerModel<Kind extends string>(
  models: ModelIds<NoInfer<Kind>>,
  provider: Provider,
  kind: Kind,
): string {
  const key: ProviderTraits['modelsKey'] = PROVIDER_TRAITS[provider].modelsKey;
  return (key === null ? models : models[key])[kind];
}
