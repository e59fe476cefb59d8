/**
 * `GET /user/memberships/orgs/{org}` for a user access token, as GitHub
 * documents it (https://docs.github.com/en/rest/orgs/members#get-an-organization-membership-for-the-authenticated-user):
 * "If the authenticated user is an active or pending member of the
 * organization, this endpoint will return the user's membership. If the
 * authenticated user is not affiliated with the organization, a 404 is
 * returned." A GitHub App's user token reads it only where the app holds the
 * organisation permission "Members" (read): without it GitHub answers 403
 * "Resource not accessible by integration", as for any permission the app lacks.
 */
import type { FakeGitHub } from '../fake-github.js';
import { type ApiResponse, json } from '../router.js';

/** A person's membership of an organisation: `admin` is an owner; `pending` has not accepted the invitation. */
export interface SimMembership {
  role: 'admin' | 'member' | 'billing_manager';
  state: 'active' | 'pending';
}

/** Memberships by organisation, then by login (both as GitHub spells them; compared in lower case). */
export type SimMemberships = Map<string, Map<string, SimMembership>>;

export const MEMBERSHIP_PATH = /^\/user\/memberships\/orgs\/([^/]+)$/;

/** The answer for `login`'s token about `org`, with the app installed on `repositories`. */
export function membershipAnswer({
  org,
  login,
  repositories,
  memberships,
}: {
  org: string;
  login: string;
  repositories: readonly FakeGitHub[];
  memberships: SimMemberships;
}): ApiResponse {
  const lower = org.toLowerCase();
  const installed = repositories.filter((gh) => gh.installed && gh.owner.toLowerCase() === lower);
  if (installed.length === 0) return notFound();
  if (!installed.some((gh) => gh.installationGrants.permissions.members !== undefined)) {
    return json(403, {
      message: 'Resource not accessible by integration',
      documentation_url:
        'https://docs.github.com/rest/orgs/members#get-an-organization-membership-for-the-authenticated-user',
      status: '403',
    });
  }
  const members = [...memberships].find(([name]) => name.toLowerCase() === lower)?.[1];
  const found = [...(members ?? [])].find(([name]) => name.toLowerCase() === login.toLowerCase());
  if (!found) return notFound();
  const [person, { role, state }] = found;
  const organization = installed[0]?.owner ?? org;
  return json(200, {
    url: `https://api.github.com/orgs/${organization}/memberships/${person}`,
    state,
    role,
    organization_url: `https://api.github.com/orgs/${organization}`,
    organization: { login: organization, url: `https://api.github.com/orgs/${organization}` },
    user: { login: person, type: 'User' },
  });
}

function notFound(): ApiResponse {
  return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
}
