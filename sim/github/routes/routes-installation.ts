import type { GitHubState } from '../github-state.js';
import { json, notFound, type Router } from '../router.js';

/**
 * The app's installation on the repository (`GET /repos/{owner}/{repo}/installation`,
 * with its permissions and events as GitHub lists them; 404 when the app is not
 * installed) and the repository's Actions variables.
 */
export function registerInstallationRoutes(router: Router, gh: GitHubState): void {
  const repoPath = '/repos/{owner}/{repo}';
  router
    .on('GET', `${repoPath}/installation`, () =>
      gh.installed ? json(200, installationBody(gh)) : notFound(),
    )
    .on('GET', `${repoPath}/actions/variables/{name}`, ({ name = '' }) => {
      // `actions_variables: read` is checked with every other permission (FakeGitHub.authorize).
      const value = gh.variables.get(name.toUpperCase());
      if (value === undefined) return notFound();
      const at = gh.now();
      return json(200, { name: name.toUpperCase(), value, created_at: at, updated_at: at });
    });
}

export function installationBody(gh: GitHubState) {
  return {
    id: gh.installationId,
    app_id: 1,
    app_slug: gh.botLogin.replace(/\[bot\]$/, ''),
    account: { login: gh.owner, type: 'Organization' },
    target_type: 'Organization',
    repository_selection: 'selected',
    permissions: { ...gh.installationGrants.permissions },
    events: [...gh.installationGrants.events],
  };
}
