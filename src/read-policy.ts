import type { ProbotOctokit } from 'probot';
import { parse } from 'yaml';
import { checkPolicy, POLICY_FILE, type ReadPolicy } from './core/config/org-policy.js';
import { remembered } from './process-memory.js';

/** The repository an organisation's policy lives in, under the repository's owner. */
export const POLICY_REPO = '.github';

/** An organisation's policy as read: none, one, or a file that is no policy (Baton then starts nothing). */
export type PolicyRead =
  | { ok: true; policy: ReadPolicy | null }
  | { ok: false; source: string; commit: string; problems: string[] };

/**
 * Reads `baton-policy.yml` of the owner's `.github` repository with the
 * installation's token the repository is read with: the newest commit of its
 * default branch that touched the file (`GET …/commits?path=`), then the file
 * at that commit, so the policy and the commit named for it are one. A public
 * `.github` any token reads; a private one only where the app is installed on
 * it. No repository, a private one the app cannot see (GitHub answers 404 for
 * both), an empty one (409) or no file: no policy. A file that is not YAML or
 * not a policy is a problem, never a looser limit: the config it sits above
 * is then no config, and Baton starts no session until it is fixed. Any other
 * refusal is thrown: the reconcile fails and is tried again.
 */
export async function readPolicyNow(octokit: ProbotOctokit, owner: string): Promise<PolicyRead> {
  const where = { owner, repo: POLICY_REPO };
  let commit: string | undefined;
  try {
    const listed = await octokit.request('GET /repos/{owner}/{repo}/commits', {
      ...where,
      path: POLICY_FILE,
      per_page: 1,
    });
    commit = listed.data[0]?.sha;
  } catch (error) {
    if (statusOf(error) === 404 || statusOf(error) === 409) return { ok: true, policy: null };
    throw error;
  }
  if (!commit) return { ok: true, policy: null };
  let text: string;
  try {
    const file = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...where,
      path: POLICY_FILE,
      ref: commit,
      mediaType: { format: 'raw' },
    });
    text = String(file.data);
  } catch (error) {
    // The newest commit that touched the file deleted it.
    if (statusOf(error) === 404) return { ok: true, policy: null };
    throw error;
  }
  const source = `${owner}/${POLICY_REPO}`;
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    const said = error instanceof Error ? (error.message.split('\n')[0] ?? '') : '';
    return { ok: false, source, commit, problems: [`is not valid YAML: ${said}`] };
  }
  const { policy, problems } = checkPolicy(raw);
  if (!policy) return { ok: false, source, commit, problems };
  return { ok: true, policy: { source: { source, commit }, policy } };
}

/** How long one read of an owner's policy serves: it lives in another repository and changes on its own. */
export const POLICY_TTL_MS = 10 * 60_000;

const policies = remembered(new Map<string, { at: number; read: Promise<PolicyRead> }>());

/** Forgets every owner's policy (tests). */
export function clearPolicies(): void {
  policies.clear();
}

/** `readPolicyNow`, read once per owner every ten minutes. A cache, not state: losing it costs a read. */
export function readPolicy(
  octokit: ProbotOctokit,
  owner: string,
  now = Date.now(),
): Promise<PolicyRead> {
  const key = owner.toLowerCase();
  const hit = policies.get(key);
  if (hit && now - hit.at >= 0 && now - hit.at < POLICY_TTL_MS) return hit.read;
  const read = readPolicyNow(octokit, owner);
  policies.set(key, { at: now, read });
  read.catch(() => {
    if (policies.get(key)?.read === read) policies.delete(key);
  });
  return read;
}

/** The HTTP status of a request's error, where it has one. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
