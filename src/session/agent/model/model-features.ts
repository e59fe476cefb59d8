import type {
  BetaContextManagementConfig,
  BetaThinkingConfigParam,
  BetaToolUnion,
} from '@anthropic-ai/sdk/resources/beta/messages/messages';
import {
  type Config,
  isWebResearchOn,
  type RepositoryVisibility,
} from '../../../core/config/config.js';

/**
 * What a session asks of the Messages API beyond plain turns: extended
 * thinking, the provider's web tools, and context management. All of it goes
 * through the beta messages endpoint with the beta headers named here.
 */
export interface ModelFeatures {
  /** Thinking budget per request in tokens; 0: no thinking. */
  thinkingBudget: number;
  /** Server tools the provider runs (web search, web fetch); their results arrive in the reply. */
  serverTools: readonly BetaToolUnion[];
  /** Clear old tool results once the prompt grows past `clearAtInputTokens` (null: never). */
  clearAtInputTokens: number | null;
}

/** The beta header of context management (`context_management` edits). */
export const CONTEXT_MANAGEMENT_BETA = 'context-management-2025-06-27';
/** The beta header web fetch needs (docs.anthropic.com, web fetch tool). */
export const WEB_FETCH_BETA = 'web-fetch-2025-09-10';

/**
 * Clearing starts once a request's prompt passes this many tokens: well inside a
 * 200k window, so a turn's new tool output never pushes the prompt over it.
 */
export const CLEAR_AT_INPUT_TOKENS = 100_000;
/** The newest tool results are kept whole: the session's latest state. */
const KEEP_TOOL_USES = 6;
/** Clearing breaks the prompt cache, so it happens only when it frees this much. */
const CLEAR_AT_LEAST_TOKENS = 20_000;

/** No thinking, no web, context management on: what a session gets unless its kind says more. */
export function plainFeatures(): ModelFeatures {
  return { thinkingBudget: 0, serverTools: [], clearAtInputTokens: CLEAR_AT_INPUT_TOKENS };
}

/** The thinking budget of a kind of session, from `models.thinking`. */
export function thinkingBudgetOf(config: Config, kind: keyof Config['models']['thinking']): number {
  return config.models.thinking[kind];
}

/**
 * `research.*` as the web search and web fetch tool definitions, or none when
 * `research.web` is off for this repository (`auto`: on only where it is public).
 */
export function webTools(config: Config, visibility: RepositoryVisibility | null): BetaToolUnion[] {
  const { allowedDomains, blockedDomains, maxUses } = config.research;
  if (!isWebResearchOn(config.research, visibility)) return [];
  const domains = {
    ...(allowedDomains.length > 0 ? { allowed_domains: allowedDomains } : {}),
    ...(blockedDomains.length > 0 ? { blocked_domains: blockedDomains } : {}),
  };
  return [
    { type: 'web_search_20250305', name: 'web_search', max_uses: maxUses, ...domains },
    {
      type: 'web_fetch_20250910',
      name: 'web_fetch',
      max_uses: maxUses,
      citations: { enabled: true },
      ...domains,
    },
  ];
}

/** The request fields and beta headers the features need. */
export function featureParams(
  features: ModelFeatures,
  keepTools: readonly string[],
): {
  betas: string[];
  thinking?: BetaThinkingConfigParam;
  context_management?: BetaContextManagementConfig;
} {
  const betas: string[] = [];
  const fetches = features.serverTools.some((tool) => 'name' in tool && tool.name === 'web_fetch');
  if (fetches) betas.push(WEB_FETCH_BETA);
  const params: ReturnType<typeof featureParams> = { betas };
  if (features.thinkingBudget > 0) {
    params.thinking = { type: 'enabled', budget_tokens: features.thinkingBudget };
  }
  if (features.clearAtInputTokens !== null) {
    betas.push(CONTEXT_MANAGEMENT_BETA);
    params.context_management = {
      edits: [
        {
          type: 'clear_tool_uses_20250919',
          trigger: { type: 'input_tokens', value: features.clearAtInputTokens },
          keep: { type: 'tool_uses', value: KEEP_TOOL_USES },
          clear_at_least: { type: 'input_tokens', value: CLEAR_AT_LEAST_TOKENS },
          // The calls themselves stay, so the model still knows what it read and ran.
          clear_tool_inputs: false,
          exclude_tools: [...keepTools],
        },
      ],
    };
  }
  return params;
}
