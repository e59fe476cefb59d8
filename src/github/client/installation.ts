import type { Octokit } from '@octokit/core';
import { statusOf } from './types.js';

/**
 * The id of the app's installation on a repository, asked as the app (its JWT);
 * null where the app is not installed there (GitHub answers 404).
 */
export async function repositoryInstallationId(
  app: Pick<Octokit, 'request'>,
  { owner, repo }: { owner: string; repo: string },
): Promise<number | null> {
  try {
    const { data } = await app.request('GET /repos/{owner}/{repo}/installation', { owner, repo });
    return data.id;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}
