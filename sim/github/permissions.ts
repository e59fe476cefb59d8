/**
 * Installation tokens' permissions as GitHub checks them: what each REST
 * endpoint needs (GitHub's own endpoint data), what app.yml grants the app
 * and the workflow template the agent job, and the `workflows` rule for a ref
 * that changes workflow files.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type ApiResponse, json } from './router.js';

/** A permission's level on an installation token, as GitHub names it. */
export type Access = 'read' | 'write';

/** What a token was minted with: permission name to level (`metadata` is implied). */
export type Grants = Readonly<Record<string, Access>>;

interface Listing {
  permission: string;
  access: 'read' | 'write' | 'admin';
  additional: boolean;
}

/**
 * GitHub's own table of the permission each REST endpoint needs of an
 * installation token (`data/endpoint-permissions.json`, generated from
 * github/docs; `data/README.md` says from which commit and how).
 */
const ENDPOINTS: Readonly<Record<string, Listing[]>> = {
  ...JSON.parse(readFileSync(new URL('./data/endpoint-permissions.json', import.meta.url), 'utf8')),
  // On GitHub's uploads host, so absent from the data above; "Upload a release asset"
  // (https://docs.github.com/rest/releases/assets#upload-a-release-asset) needs Contents: write.
  'POST /repos/{owner}/{repo}/releases/{release_id}/assets': [
    { permission: 'contents', access: 'write', additional: false },
  ],
};

/**
 * Endpoints an installation token may call that GitHub lists under no
 * permission: revoking the token itself, listing its repositories, and GraphQL (checked per field by
 * GitHub; the simulator checks only that a read-only token sends no mutation).
 */
const NEEDS_NO_PERMISSION = new Set([
  'DELETE /installation/token',
  'GET /installation/repositories',
  'GET /meta',
  'POST /graphql',
]);

/** GitHub's answer to a request its token's permissions do not cover. */
export function notAccessible(accepted: string): ApiResponse {
  return {
    ...json(403, {
      message: 'Resource not accessible by integration',
      documentation_url:
        'https://docs.github.com/rest/overview/permissions-required-for-github-apps',
    }),
    // GitHub names the permissions that would have done, in this header.
    headers: { 'x-accepted-github-permissions': accepted },
  };
}

/**
 * Whether `grants` cover the endpoint `route` (`POST /repos/{owner}/{repo}/…`,
 * GitHub's template). Null when they do; else the permissions that would (for
 * the `x-accepted-github-permissions` header). An endpoint listed under several
 * permissions takes any one of them, except: issue-comment and other issue
 * endpoints (listed under `issues` and `pull_requests`) take the one of the
 * target's type (`pull` says which, undefined when the target is unknown);
 * writes listed under `contents` and `workflows` need `contents` (the
 * workflow files themselves are the push rule's: `workflowChanges`).
 */
export function missingPermission({
  route,
  grants,
  pull,
}: {
  route: string;
  grants: Grants;
  pull?: boolean | undefined;
}): string | null {
  if (NEEDS_NO_PERMISSION.has(route)) return null;
  const listed = ENDPOINTS[route];
  if (!listed) return 'none: GitHub lists no installation-token access to this endpoint';
  let options = listed;
  const names = new Set(listed.map((one) => one.permission));
  if (names.has('issues') && names.has('pull_requests') && pull !== undefined) {
    options = listed.filter((one) => one.permission === (pull ? 'pull_requests' : 'issues'));
  } else if (names.has('contents') && names.has('workflows')) {
    options = listed.filter((one) => one.permission === 'contents');
  }
  if (options.some((one) => covers(grants, one))) return null;
  return options.map((one) => `${one.permission}=${one.access}`).join(', ');
}

function covers(grants: Grants, { permission, access }: Listing): boolean {
  const granted = permission === 'metadata' ? 'read' : grants[permission];
  if (granted === undefined) return false;
  if (access === 'read') return true;
  return access === 'write' && granted === 'write';
}

/** The repository root, where app.yml and templates/ live. */
const ROOT = new URL('../../', import.meta.url);

/**
 * The permissions of the agent job's `GITHUB_TOKEN`, from the workflow
 * template's `permissions` block for that job (`pull-requests` becomes
 * `pull_requests`, as installation permissions name it). Read as text: the
 * template holds placeholders a YAML parser refuses.
 */
export function agentJobPermissions(): Grants {
  const text = readFileSync(new URL('templates/workflows/baton.yml', ROOT), 'utf8');
  const job = /^ {2}agent:\n([\s\S]*?)(?=^ {2}\S)/m.exec(text)?.[1] ?? '';
  const block = /^ {4}permissions:\n((?: {6}.*\n)+)/m.exec(job)?.[1] ?? '';
  const grants: Record<string, Access> = {};
  for (const line of block.split('\n')) {
    const found = /^\s+([\w-]+):\s*(read|write)\b/.exec(line);
    if (found?.[1] && found[2]) grants[found[1].replace(/-/g, '_')] = found[2] as Access;
  }
  if (Object.keys(grants).length === 0) {
    throw new Error('templates/workflows/baton.yml: the agent job has no permissions block');
  }
  return grants;
}

/** What an installation was granted: its permissions and the events it delivers. */
export interface InstallationGrants {
  permissions: Record<string, string>;
  events: string[];
}

/** What app.yml asks for: a healthy installation has accepted exactly that. */
export function appManifestGrants(): InstallationGrants {
  const manifest = parse(readFileSync(new URL('app.yml', ROOT), 'utf8')) as {
    default_permissions: Record<string, string>;
    default_events: string[];
  };
  return { permissions: { ...manifest.default_permissions }, events: [...manifest.default_events] };
}

/** Narrows `asked` to what `granted` holds; the permissions that exceed it, if any. */
export function exceeding(asked: Grants, granted: Grants): string[] {
  return Object.entries(asked)
    .filter(
      ([name, level]) => !covers(granted, { permission: name, access: level, additional: false }),
    )
    .map(([name, level]) => `${name}=${level}`);
}

const WORKFLOWS_DIR = '.github/workflows/';

/**
 * The workflow files a ref's move from `before` (its old state) to `after`
 * creates or updates: files under `.github/workflows/` whose content differs.
 * GitHub refuses such a move from a GitHub App token without `workflows`.
 */
export function workflowChanges(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): string[] {
  return [...after]
    .filter(([path, content]) => path.startsWith(WORKFLOWS_DIR) && before.get(path) !== content)
    .map(([path]) => path)
    .sort();
}

/** GitHub's words when it refuses a workflow change from an app's token without `workflows`. */
export function workflowRefusal(path: string): string {
  return `refusing to allow a GitHub App to create or update workflow \`${path}\` without \`workflows\` permission`;
}
