import { remembered } from '../../process-memory.js';
import { conditionalReads } from '../client/conditional-reads.js';
import type { RepoContext } from '../client/types.js';
import { statusOf } from '../client/types.js';

const TTL_MS = 60_000;
const cache = remembered(new Map<string, { allowed: boolean; at: number }>());

/**
 * Whether a user may steer builds: write, maintain or admin on the repository.
 * (The REST `permission` field folds maintain into `write` and triage into `read`.)
 * Answers are kept a minute, so one comment thread does not cost a request per comment,
 * and asked again conditionally (an unchanged permission answers 304, which GitHub does not count).
 */
export async function hasWriteAccess(
  { octokit, owner, repo }: RepoContext,
  login: string,
  {
    now = Date.now(),
    ttlMs = TTL_MS,
  }: {
    now?: number;
    /** How old a kept answer may be: a minute (commands), longer where a late revocation costs little. */
    ttlMs?: number;
  } = {},
): Promise<boolean> {
  const key = `${owner}/${repo}:${login.toLowerCase()}`;
  const hit = cache.get(key);
  if (hit && now - hit.at < ttlMs) return hit.allowed;
  let allowed = false;
  try {
    // Asked conditionally: a permission unchanged since the last answer is a 304, not counted.
    const [permission] = await conditionalReads.paginate(octokit, {
      route: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      params: { owner, repo, username: login },
      pick: (data) => [String((data as { permission?: unknown } | null)?.permission ?? '')],
    });
    allowed = permission === 'admin' || permission === 'write';
  } catch (error) {
    // 404: not a collaborator at all.
    if (statusOf(error) !== 404) throw error;
  }
  cache.set(key, { allowed, at: now });
  return allowed;
}

/** Forgets every cached answer; tests start from a clean slate. */
export function clearPermissionCache(): void {
  cache.clear();
}
