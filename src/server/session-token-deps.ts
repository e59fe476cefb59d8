import yaml from 'js-yaml';
import type { Probot } from 'probot';
import { parseConfig } from '../core/config.js';
import { statusOf } from '../github/types.js';

/** The endpoint's settings, from the app's environment (DESIGN §9). */
export interface TokenEndpointSettings {
  issuer: string;
  audience: string;
}

/** Reads BATON_OIDC_ISSUER and BATON_OIDC_AUDIENCE, with GitHub.com's defaults. */
export function readTokenEndpointSettings(
  env: Record<string, string | undefined>,
): TokenEndpointSettings {
  return {
    issuer: env.BATON_OIDC_ISSUER || 'https://token.actions.githubusercontent.com',
    audience: env.BATON_OIDC_AUDIENCE || 'baton',
  };
}

/**
 * The endpoint's GitHub side, done as the app itself (JWT-authenticated):
 * find the repository's installation and mint a token for that one repository.
 */
export function createSessionTokenDepsFromProbot(app: Probot) {
  return {
    async getRepositoryInstallation(owner: string, repo: string): Promise<number | null> {
      const octokit = await app.auth();
      try {
        const { data } = await octokit.rest.apps.getRepoInstallation({ owner, repo });
        return data.id;
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },
    async createInstallationToken({
      installationId,
      repositoryId,
      permissions,
    }: {
      installationId: number;
      repositoryId: number;
      permissions: Record<string, 'read' | 'write'>;
    }): Promise<{ token: string; expires_at: string }> {
      const octokit = await app.auth();
      const { data } = await octokit.rest.apps.createInstallationAccessToken({
        installation_id: installationId,
        repository_ids: [repositoryId],
        permissions,
      });
      return { token: data.token, expires_at: data.expires_at };
    },
    /**
     * Pushing a change under `.github/workflows/` needs the `workflows`
     * permission; it is asked for only where the default branch's
     * `.github/baton.yml` sets `session.allowWorkflowChanges: true`.
     */
    async allowsWorkflowChanges({
      owner,
      repo,
      installationId,
    }: {
      owner: string;
      repo: string;
      installationId: number;
    }): Promise<boolean> {
      const octokit = await app.auth(installationId);
      try {
        const { data } = await octokit.rest.repos.getContent({
          owner,
          repo,
          path: '.github/baton.yml',
        });
        if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return false;
        const parsed = parseConfig(yaml.load(Buffer.from(data.content, 'base64').toString('utf8')));
        return parsed.ok && parsed.config.session.allowWorkflowChanges;
      } catch (error) {
        if (statusOf(error) === 404 || error instanceof yaml.YAMLException) return false;
        throw error;
      }
    },
  };
}
