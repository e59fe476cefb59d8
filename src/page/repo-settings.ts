import { BoundedMap } from '../github/client/bounded-map.js';
import { conditionalReads } from '../github/client/conditional-reads.js';
import { withReason } from '../github/client/request-reason.js';
import type { Octokit } from '../github/client/types.js';
import { CONFIG_PATH, loadSettingsInEffect, type SettingsInEffect } from '../read-config.js';

/** How long one read of a repository's settings serves the page's views of it. */
export const SETTINGS_KEEP_MS = 60_000;

/** One repository's settings as the page shows them: its name, and what `loadSettingsInEffect` read. */
export interface RepoSettings extends SettingsInEffect {
  /** `owner/name`, as asked. */
  repository: string;
  /** When they were read (ISO 8601). */
  readAt: string;
}

/**
 * A repository's settings in effect, read from GitHub through the app's
 * installation when a person asks (the caller has checked that they may read
 * the repository): the newest commit of the default branch that changed
 * `.github/baton.yml`, asked conditionally (a 304 GitHub does not count),
 * then the file at that commit and the organisation's policy as the
 * reconciles read and keep them (`loadSettingsInEffect`). Kept a minute per
 * repository, as what a person may read is: a repository's views cost the
 * installation at most one request a minute, more only when the file or the
 * policy changed. Nothing is written, and nothing kept outlives the process.
 */
export function createRepoSettings({
  installation,
  now = Date.now,
  keepMs = SETTINGS_KEEP_MS,
}: {
  /** The app's client for one of its installations. */
  installation: (installationId: number) => Promise<Octokit>;
  now?: () => number;
  keepMs?: number;
}) {
  const kept = new BoundedMap<{ at: number; read: Promise<RepoSettings> }>(500);
  async function read(repository: string, installationId: number): Promise<RepoSettings> {
    const [owner = '', repo = ''] = repository.split('/');
    const octokit = await installation(installationId);
    const readAt = now();
    const [fileCommit = null] = await conditionalReads.paginate(octokit, {
      route: 'GET /repos/{owner}/{repo}/commits',
      params: { owner, repo, path: CONFIG_PATH, per_page: 1 },
      pages: 1,
      pick: (data) => ((data as { sha?: string }[] | null) ?? []).map((commit) => commit.sha ?? ''),
    });
    const settings = await loadSettingsInEffect(
      octokit,
      { owner, repo },
      { fileCommit: fileCommit || null, now: readAt },
    );
    return { repository, readAt: new Date(readAt).toISOString(), ...settings };
  }
  return {
    /** The settings in effect for `repository` of `installationId`. */
    settingsOf({
      repository,
      installationId,
    }: {
      repository: string;
      installationId: number;
    }): Promise<RepoSettings> {
      const key = `${installationId} ${repository.toLowerCase()}`;
      const hit = kept.get(key);
      if (hit && now() - hit.at < keepMs) return hit.read;
      const fresh = withReason('page', () => read(repository, installationId));
      kept.set(key, { at: now(), read: fresh });
      // A failed read is not kept.
      fresh.catch(() => {
        if (kept.get(key)?.read === fresh) kept.delete(key);
      });
      return fresh;
    },
  };
}

export type RepoSettingsReader = ReturnType<typeof createRepoSettings>;
