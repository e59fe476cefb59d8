import type { DOCTOR_ROLE } from '../../../core/doctor/doctor-session.js';
import type { SessionRole } from '../../../core/sessions/session.js';
import type { SessionClientOptions, SessionLog } from '../../octokit.js';
import { getSessionToken, type SessionToken } from './get-session-token.js';
import { type MintEnv, mintSessionToken } from './mint-session-token.js';

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
export function getPublishToken({
  env,
  role,
  fetch,
  mask,
  log,
  options,
}: {
  env: PublishTokenEnv;
  role: SessionRole | typeof DOCTOR_ROLE;
  fetch: typeof globalThis.fetch;
  mask: (secret: string) => void;
  log?: SessionLog;
  /** How hard the app's client tries (tests make its waits short). */
  options?: SessionClientOptions;
}): Promise<SessionToken> {
  if (env.BATON_APP_PRIVATE_KEY) {
    return mintSessionToken({
      env,
      role,
      fetch,
      mask,
      ...(log ? { log } : {}),
      ...(options ? { options } : {}),
    });
  }
  return getSessionToken({ env, fetch, mask });
}
