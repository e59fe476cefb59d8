import { getSessionToken, type SessionToken } from './get-session-token.js';
import { type MintEnv, type MintRequest, mintSessionToken } from './mint-session-token.js';

/** Everything either way of getting publish's token reads. */
export type PublishTokenEnv = MintEnv &
  Parameters<typeof getSessionToken>[0]['env'] & { BATON_APP_PRIVATE_KEY?: string | undefined };

/**
 * Publish's write token, the way the repository runs Baton: minted from the
 * app's key where the workflow gives this step one (server-less mode,
 * `BATON_APP_PRIVATE_KEY`), else traded for the run's OIDC token at the app's
 * endpoint (`BATON_APP_URL`). Either way it is scoped to this repository and
 * the role's permissions, and masked in the log.
 */
export function getPublishToken(request: MintRequest<PublishTokenEnv>): Promise<SessionToken> {
  const { env, fetch, mask } = request;
  if (env.BATON_APP_PRIVATE_KEY) return mintSessionToken(request);
  return getSessionToken({ env, fetch, mask });
}
