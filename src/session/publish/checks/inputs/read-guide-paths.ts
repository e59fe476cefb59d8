import yaml from 'js-yaml';
import { type Config, parseConfig } from '../../../../core/config/config.js';
import type { GuidePaths } from '../../../../core/verification/worker-guide.js';
import type { RemoteAccess } from '../../scratch-repo.js';
import { readAt } from './read-worker-title.js';

/** Where the remote's default branch is fetched to for the guide. */
const GUIDE_DEFAULT_REF = 'refs/baton/guide-default';

/**
 * `verification.securityPaths` and `interfacePaths` for the guide at the head
 * of a worker's pull request, as the app reads them: `.github/baton.yml` of the
 * repository's default branch (the remote's HEAD), never the session's base or
 * its build branch, which sessions move. Where the app would read more than
 * that one file (an `_extends` base, or the organisation's `.github` repository
 * when the file is absent: Probot's config, src/read-config.ts), which
 * publish's token cannot reach, the paths are unknown and the guide says so.
 */
export async function readGuidePaths(access: RemoteAccess): Promise<GuidePaths> {
  const read = await readDefaultConfig(access);
  if (read.kind === 'unread') return read;
  const { securityPaths, interfacePaths } = read.config.verification;
  return { kind: 'read', paths: { securityPaths, interfacePaths } };
}

/**
 * `verification.workPaths` as the app reads it, from the same file: what the
 * contract's tree brings from a head beside its source and document files
 * (src/core/verification/work-paths.ts). None where the file cannot be read:
 * a path only it would name then waits for a person.
 */
export async function readWorkPaths(access: RemoteAccess): Promise<string[]> {
  const read = await readDefaultConfig(access);
  return read.kind === 'read' ? read.config.verification.workPaths : [];
}

/**
 * `review.enabled` as the app reads it, from the same file: whether this run reviews the head
 * its work or fix session pushed. Where the file cannot be read, the default (on); the
 * review session reads the whole settings and ends at once where they turn reviews off.
 */
export async function readReviewEnabled(access: RemoteAccess): Promise<boolean> {
  const read = await readDefaultConfig(access);
  return read.kind === 'read' ? read.config.review.enabled : true;
}

type ConfigRead = { kind: 'read'; config: Config } | { kind: 'unread'; why: string };

/** Each publish's read of the default branch's settings (its scratch repository's), made once. */
const readOf = new WeakMap<RemoteAccess['repo'], Promise<ConfigRead>>();

/**
 * `.github/baton.yml` of the remote's default branch, parsed; or why it cannot be read as the
 * app reads it. Read once a publish: the guide, the work's paths and the review ask it.
 */
function readDefaultConfig(access: RemoteAccess): Promise<ConfigRead> {
  const known = readOf.get(access.repo);
  if (known) return known;
  const read = fetchDefaultConfig(access);
  readOf.set(access.repo, read);
  return read;
}

async function fetchDefaultConfig({ repo, remote, token }: RemoteAccess): Promise<ConfigRead> {
  const fetched = await repo.run({
    args: ['fetch', '--no-tags', '--quiet', remote, `+HEAD:${GUIDE_DEFAULT_REF}`],
    token,
  });
  if (fetched.code !== 0) {
    return { kind: 'unread', why: 'the default branch could not be fetched' };
  }
  const text = await readAt(repo, `${GUIDE_DEFAULT_REF}:.github/baton.yml`);
  if (text === null) {
    return {
      kind: 'unread',
      why: "the default branch has no `.github/baton.yml` of its own (the organisation's `.github` repository may hold the settings)",
    };
  }
  let raw: unknown;
  try {
    raw = yaml.load(text);
  } catch {
    return { kind: 'unread', why: '`.github/baton.yml` on the default branch is not valid YAML' };
  }
  if (raw && typeof raw === 'object' && '_extends' in raw) {
    return {
      kind: 'unread',
      why: '`.github/baton.yml` on the default branch extends a file of another repository, which publish cannot read',
    };
  }
  const parsed = parseConfig(raw);
  if (!parsed.ok) {
    return {
      kind: 'unread',
      why: '`.github/baton.yml` on the default branch is not a valid Baton config',
    };
  }
  return { kind: 'read', config: parsed.config };
}
