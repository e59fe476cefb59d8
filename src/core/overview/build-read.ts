/**
 * The overview of an installation's builds (docs/mission-control.md): from
 * builds as the app last read them to the rows of the page, `baton status` and
 * the JSON alike. What a viewer may see is decided here, once, from what
 * GitHub listed for them: a build only where they can read its repository,
 * and in a change set only the repositories they can read.
 */
import type { Config } from '../config/config.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import type { StatusView } from '../status/status-view.js';

/** One build as the app last read it: its truth, its configuration, and the status it rendered. */
export interface BuildRead {
  /** `owner/name`, as GitHub spells it. */
  repository: string;
  /** The app's installation that holds the repository; null where not known (the CLI reads one). */
  installationId: number | null;
  snapshot: BuildSnapshot;
  /** Its `.github/baton.yml` as the read parsed it; null where it is invalid. */
  config: Config | null;
  /** What its status comment shows, as the read's `decide` rendered it; null where none. */
  view: StatusView | null;
  /** When it was read (ISO 8601). */
  readAt: string;
}

/** What a viewer may do in a repository: read it, or also write (and so give commands). */
export type Permission = 'read' | 'write';

/**
 * Who looks: `all` for the app's own credentials (`baton status`), else a
 * signed-in person and the repositories GitHub lists for their token, by
 * `owner/name` in lower case, with the installation each belongs to.
 */
export type Access =
  | { kind: 'all' }
  | {
      kind: 'viewer';
      login: string;
      repositories: ReadonlyMap<string, { installationId: number; permission: Permission }>;
    };

/**
 * What `access` may do in `repository` of `installationId`: null where the
 * viewer's token does not list it, or lists it under another installation.
 */
export function permissionIn(
  access: Access,
  { repository, installationId }: { repository: string; installationId: number | null },
): Permission | null {
  if (access.kind === 'all') return 'write';
  const listed = access.repositories.get(repository.toLowerCase());
  if (!listed) return null;
  if (installationId !== null && listed.installationId !== installationId) return null;
  return listed.permission;
}

/** Whether `access` may read `repository` (of `installationId` where known). */
export function canRead(
  access: Access,
  place: { repository: string; installationId: number | null },
): boolean {
  return permissionIn(access, place) !== null;
}

/** The key a build is found by on the page: `owner/name/build`. */
export function buildKeyOf(read: Pick<BuildRead, 'repository' | 'snapshot'>): string {
  return `${read.repository}/${read.snapshot.build}`;
}

/**
 * `text` (a note of Baton's status) with the names of `hidden` repositories
 * replaced: "waits for acme/lib" must not name a private member of a change
 * set to someone who cannot read it.
 */
export function withoutNames(text: string | null, hidden: readonly string[]): string | null {
  if (text === null) return null;
  let scrubbed = text;
  for (const name of hidden) {
    const pattern = new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
    scrubbed = scrubbed.replace(pattern, 'a repository you cannot read');
  }
  return scrubbed;
}

/** Of `names`, the repositories `access` may not read. */
export function hiddenOf(
  access: Access,
  { names, installationId }: { names: readonly string[]; installationId: number | null },
): string[] {
  return [...new Set(names.map((name) => name.toLowerCase()))].filter(
    (repository) => !canRead(access, { repository, installationId }),
  );
}
