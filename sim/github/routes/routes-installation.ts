import type { GitHubState } from '../github-state.js';
import { json, notFound, type Router } from '../router.js';

/**
 * The app's installation on the repository (`GET /repos/{owner}/{repo}/installation`,
 * with its permissions and events as GitHub lists them; 404 when the app is not
 * installed), the repository's Actions variables, and the rules of a branch
 * (`GET /repos/{owner}/{repo}/rules/branches/{branch}`: a ruleset requiring
 * `defaultBranchRequiredChecks` on the default branch, each from the app
 * `requiredCheckSources` names where it names one; none elsewhere).
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
    })
    .on('GET', `${repoPath}/rules/branches/{branch}`, ({ branch = '' }) =>
      json(200, branch === gh.defaultBranch ? requiredChecksRules(gh) : []),
    );
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

/** The default branch's ruleset rule that requires its checks, as GitHub lists it; none without. */
function requiredChecksRules(gh: GitHubState) {
  if (gh.defaultBranchRequiredChecks.size === 0) return [];
  return [
    {
      type: 'required_status_checks',
      ruleset_source_type: 'Repository',
      ruleset_source: gh.fullName,
      ruleset_id: 1,
      parameters: {
        strict_required_status_checks_policy: false,
        // `integration_id`: the app the check must come from, where the rule names one.
        required_status_checks: [...gh.defaultBranchRequiredChecks].map((context) => {
          const source = gh.requiredCheckSources.get(context);
          return source === undefined ? { context } : { context, integration_id: source };
        }),
      },
    },
  ];
}
