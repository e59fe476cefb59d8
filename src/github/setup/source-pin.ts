import { statusOf } from '../client/types.js';
import { actionPinPattern } from './setup-templates.js';
import { cliCommand } from './source-ref.js';

/** The commit a workflow's steps pin Baton's action at (`uses: <source>/action@<sha> # <version>`), if any. */
export function readPin(workflow: string, sourceRepository: string): string | null {
  const match = actionPinPattern(sourceRepository).exec(workflow);
  return match?.[2] ?? null;
}

/** Anything that asks GitHub's REST API, as Octokit's `request` does. */
export interface Requester {
  request(route: string, parameters?: Record<string, unknown>): Promise<unknown>;
}

/**
 * Whether `sourceRepository` has the commit `sha` (runners fetch the session
 * action at it); null when GitHub could not be asked (an answer other than
 * found or not found).
 */
export async function sourceHasCommit(
  octokit: Requester,
  { sourceRepository, sha }: { sourceRepository: string; sha: string },
): Promise<boolean | null> {
  const [owner, repo] = sourceRepository.split('/');
  try {
    await octokit.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
      owner,
      repo,
      commit_sha: sha,
    });
    return true;
  } catch (error) {
    const status = statusOf(error);
    // 404: no such commit (or repository); 422: GitHub's "No commit found for SHA".
    if (status === 404 || status === 422) return false;
    return null;
  }
}

/**
 * At start-up, once: whether the commit the app pins sessions to exists in
 * its source repository, read without credentials (Baton's source is public).
 * Logs what to do when it does not; never throws.
 */
export async function warnOnMissingPin({
  octokit,
  source,
  log,
}: {
  octokit: Requester;
  source: { repository: string; ref: string };
  log: { warn(message: string): void; info(message: string): void };
}): Promise<void> {
  const exists = await sourceHasCommit(octokit, {
    sourceRepository: source.repository,
    sha: source.ref,
  });
  if (exists) {
    log.info(`baton: sessions run ${source.repository}@${source.ref}, which exists`);
  } else if (exists === false) {
    log.warn(
      `baton: ${source.repository} has no commit ${source.ref} (or is private): every session would fail to fetch Baton's action. Push that commit to ${source.repository}, or set BATON_SOURCE_REF to a commit it has (an app checkout with local commits pins its HEAD); \`${cliCommand()} doctor --repo owner/name\` checks it through an installation`,
    );
  } else {
    log.warn(
      `baton: could not ask ${source.repository} whether it has ${source.ref}; \`${cliCommand()} doctor --repo owner/name\` checks it`,
    );
  }
}
