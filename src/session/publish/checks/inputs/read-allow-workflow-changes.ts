import yaml from 'js-yaml';
import { parseConfig } from '../../../../core/config/config.js';
import type { RemoteAccess, ScratchRepo } from '../../scratch-repo.js';

/** Where the remote's default branch is fetched to. */
const DEFAULT_REF = 'refs/baton/default';

/**
 * Reads `session.allowWorkflowChanges` from `.github/baton.yml` on the
 * repository's default branch (the remote's HEAD), not from the session's
 * base: neither this session nor an earlier one on the same branch can grant
 * the right by editing the file.
 */
export async function readDefaultBranchAllowWorkflowChanges({
  repo,
  remote,
  token,
}: RemoteAccess): Promise<{ allowed: boolean; problem: string | null }> {
  return readAllowWorkflowChanges(repo, await fetchDefaultBranch({ repo, remote, token }));
}

/** Fetches the remote's default branch (its HEAD); answers where it is in the scratch repository. */
export async function fetchDefaultBranch({ repo, remote, token }: RemoteAccess): Promise<string> {
  await repo.must({
    args: ['fetch', '--no-tags', '--quiet', remote, `+HEAD:${DEFAULT_REF}`],
    token,
  });
  return DEFAULT_REF;
}

/** Reads `session.allowWorkflowChanges` from `.github/baton.yml` at `commit`. */
export async function readAllowWorkflowChanges(
  repo: ScratchRepo,
  commit: string,
): Promise<{ allowed: boolean; problem: string | null }> {
  const spec = `${commit}:.github/baton.yml`;
  const exists = await repo.run({ args: ['cat-file', '-e', spec] });
  if (exists.code !== 0) return { allowed: false, problem: null };
  const text = await repo.must({ args: ['show', spec] });
  let raw: unknown;
  try {
    raw = yaml.load(text);
  } catch {
    return { allowed: false, problem: '.github/baton.yml on the default branch is not valid YAML' };
  }
  const parsed = parseConfig(raw);
  if (!parsed.ok)
    return {
      allowed: false,
      problem: '.github/baton.yml on the default branch is not a valid Baton config',
    };
  return { allowed: parsed.config.session.allowWorkflowChanges, problem: null };
}
