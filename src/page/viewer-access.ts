import type { Access, Permission } from '../core/overview/build-read.js';
import { BoundedMap } from '../github/client/bounded-map.js';
import { createConditionalReads } from '../github/client/conditional-reads.js';
import type { Octokit } from '../github/client/types.js';
import { statusOf } from '../github/client/types.js';
import { userOctokit } from './github-sign-in.js';
import type { PageSettings } from './page-settings.js';
import type { PageSession } from './session-cookie.js';

/** How long what GitHub listed for a person stands for their next page views. */
export const ACCESS_CACHE_MS = 60_000;

interface ListedRepository {
  full_name: string;
  permissions?: { admin?: boolean; maintain?: boolean; push?: boolean };
}

/**
 * What a signed-in person may see, as GitHub lists it for their user token:
 * the app's installations they can reach (`GET /user/installations`), and in
 * each the repositories they have explicit permission on
 * (`GET /user/installations/{installation_id}/repositories`, with the
 * permissions GitHub gives them there): what both they and the app can read
 * (https://docs.github.com/en/rest/apps/installations#list-repositories-accessible-to-the-user-access-token).
 * Asked conditionally (a 304 costs nothing against the person's limit), and
 * kept a minute per session: a page view costs at most 1 + one request per
 * installation, most views none. Null where GitHub refuses the token
 * (revoked at sign-out, expired): the session is over.
 */
export function createViewerAccess({
  settings,
  now = Date.now,
  cacheMs = ACCESS_CACHE_MS,
}: {
  settings: PageSettings;
  now?: () => number;
  cacheMs?: number;
}) {
  const reads = createConditionalReads({ now });
  const kept = new BoundedMap<{ at: number; access: Access }>(1_000);
  return {
    async accessOf(session: PageSession): Promise<Access | null> {
      const cached = kept.get(session.sid);
      if (cached && now() - cached.at < cacheMs) return cached.access;
      const octokit = userOctokit(settings, session.token) as unknown as Octokit;
      const scope = `user ${session.login}`;
      try {
        const installations = await reads.paginate(octokit, {
          route: 'GET /user/installations',
          params: { per_page: 100 },
          scope,
          pick: (data) =>
            ((data as { installations?: { id: number }[] } | null)?.installations ?? []).map(
              (installation) => installation.id,
            ),
        });
        const repositories = new Map<string, { installationId: number; permission: Permission }>();
        for (const installationId of installations) {
          const listed = await reads.paginate(octokit, {
            route: 'GET /user/installations/{installation_id}/repositories',
            params: { installation_id: installationId, per_page: 100 },
            scope,
            pick: (data) =>
              (data as { repositories?: ListedRepository[] } | null)?.repositories ?? [],
          });
          for (const repository of listed) {
            const { admin, maintain, push } = repository.permissions ?? {};
            repositories.set(repository.full_name.toLowerCase(), {
              installationId,
              permission: admin || maintain || push ? 'write' : 'read',
            });
          }
        }
        const access: Access = { kind: 'viewer', login: session.login, repositories };
        kept.set(session.sid, { at: now(), access });
        return access;
      } catch (error) {
        if (statusOf(error) === 401) {
          kept.delete(session.sid);
          return null;
        }
        throw error;
      }
    },
    /** Forgets what was listed for a session (signed out). */
    forget(sid: string): void {
      kept.delete(sid);
    },
  };
}

export type ViewerAccess = ReturnType<typeof createViewerAccess>;

/**
 * The installation through which a signed-in person may read `repository`,
 * as GitHub listed it for them (`accessOf`); null where it did not: they may
 * not see anything of it, nor have the app read it for them.
 */
export function installationToRead(access: Access, repository: string): number | null {
  if (access.kind !== 'viewer') return null;
  return access.repositories.get(repository.toLowerCase())?.installationId ?? null;
}
