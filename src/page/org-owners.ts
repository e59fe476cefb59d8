import { BoundedMap } from '../github/client/bounded-map.js';
import { statusOf } from '../github/client/types.js';
import { userOctokit } from './github-sign-in.js';
import type { PageSettings } from './page-settings.js';
import type { PageSession } from './session-cookie.js';
import { ACCESS_CACHE_MS } from './viewer-access.js';

/** Whether a person owns an organisation: `owner`, or why not. */
export type Ownership = 'owner' | 'not-owner' | 'unknown';

/**
 * Whether a signed-in person owns an organisation, as GitHub answers for their
 * own user token: `GET /user/memberships/orgs/{org}`, an owner being `role:
 * admin` with `state: active` (a pending invitation is no membership yet)
 * (https://docs.github.com/en/rest/orgs/members#get-an-organization-membership-for-the-authenticated-user).
 * GitHub answers 404 to someone not in the organisation, and 403 where the app
 * lacks the organisation permission "Members" (app.yml asks for `members: read`);
 * both are `not-owner`. Anything else (GitHub down) is `unknown`, and kept for
 * no one. An answer is kept a minute per session and organisation, as what
 * GitHub lists for the person is (`ViewerAccess`).
 */
export function createOrgOwners(settings: PageSettings, now: () => number = Date.now) {
  const kept = new BoundedMap<{ at: number; ownership: Ownership }>(1_000);
  return {
    async ownershipOf(session: PageSession, org: string): Promise<Ownership> {
      const key = `${session.sid} ${org.toLowerCase()}`;
      const cached = kept.get(key);
      if (cached && now() - cached.at < ACCESS_CACHE_MS) return cached.ownership;
      let ownership: Ownership;
      try {
        const { data } = await userOctokit(settings, session.token).request(
          'GET /user/memberships/orgs/{org}',
          { org },
        );
        ownership = data.role === 'admin' && data.state === 'active' ? 'owner' : 'not-owner';
      } catch (error) {
        const status = statusOf(error);
        if (status !== 401 && status !== 403 && status !== 404) return 'unknown';
        ownership = 'not-owner';
      }
      kept.set(key, { at: now(), ownership });
      return ownership;
    },
  };
}

export type OrgOwners = ReturnType<typeof createOrgOwners>;
