import type { ClientOptions } from '@anthropic-ai/sdk';
import { oidcFederationProvider } from '@anthropic-ai/sdk/lib/credentials/oidc-federation';
import type { SessionEnv } from '../../env.js';

/** How the session authenticates to the model API: a stored key, or workload identity federation. */
export type ModelAuth = Pick<ClientOptions, 'apiKey' | 'credentials'>;

/** The model API cannot be reached without a credential: which path to set up. */
export class ModelAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelAuthError';
  }
}

const DEFAULT_API = 'https://api.anthropic.com';

/**
 * The model key, or with ANTHROPIC_FEDERATION_RULE_ID and
 * ANTHROPIC_ORGANIZATION_ID (and no key) Anthropic's workload identity
 * federation: for each exchange this process asks GitHub for the job's OIDC
 * token (audience ANTHROPIC_OIDC_AUDIENCE) and the SDK trades it at
 * `/v1/oauth/token` for a short-lived access token. Both stay in this
 * process: the OIDC request token is scrubbed from the tools' environment
 * like the key.
 */
export function modelAuth(
  env: SessionEnv,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
): ModelAuth {
  if (env.ANTHROPIC_API_KEY) return { apiKey: env.ANTHROPIC_API_KEY };
  const rule = env.ANTHROPIC_FEDERATION_RULE_ID;
  const organization = env.ANTHROPIC_ORGANIZATION_ID;
  if (!rule || !organization) {
    throw new ModelAuthError(
      'no model credential: set the repository secret ANTHROPIC_API_KEY and pass it to the agent job, or use workload identity federation (the repository variables ANTHROPIC_FEDERATION_RULE_ID and ANTHROPIC_ORGANIZATION_ID on the session step, and `id-token: write` on the agent job; docs/security.md, "The model key")',
    );
  }
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) {
    throw new ModelAuthError(
      'workload identity federation needs the job’s OIDC token, and ACTIONS_ID_TOKEN_REQUEST_URL is not set: give the agent job `permissions: id-token: write`',
    );
  }
  const audience = env.ANTHROPIC_OIDC_AUDIENCE;
  const identityTokenProvider = async (): Promise<string> => {
    const url = new URL(requestUrl);
    url.searchParams.set('audience', audience);
    const response = await fetchImpl(url, { headers: { authorization: `Bearer ${requestToken}` } });
    if (!response.ok) {
      throw new ModelAuthError(`GitHub refused the job's OIDC token (HTTP ${response.status})`);
    }
    const body = (await response.json()) as { value?: unknown };
    if (typeof body.value !== 'string' || !body.value) {
      throw new ModelAuthError("GitHub's OIDC answer has no token");
    }
    return body.value;
  };
  return {
    credentials: oidcFederationProvider({
      identityTokenProvider,
      federationRuleId: rule,
      organizationId: organization,
      serviceAccountId: env.ANTHROPIC_SERVICE_ACCOUNT_ID,
      workspaceId: env.ANTHROPIC_WORKSPACE_ID,
      baseURL: env.ANTHROPIC_BASE_URL ?? DEFAULT_API,
      fetch: fetchImpl,
    }),
  };
}
