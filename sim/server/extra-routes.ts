import type { FakeGitHub } from '../github/fake-github.js';
import { json, Router } from '../github/router.js';
import { registerSessionReadRoutes } from './session-read-routes.js';

/**
 * Routes a real app process and real sessions need beyond what app tests
 * mount: the app's installation lookups (the token endpoint and the periodic
 * resync use them) and the reads of review and fix sessions.
 * Asked only when the simulated GitHub has no route for a request, and logged
 * on `gh.log` like the rest.
 */
export function createExtraRoutes(gh: FakeGitHub): Router {
  const installation = () => ({
    id: gh.installationId,
    app_id: 1,
    app_slug: gh.botLogin.replace(/\[bot\]$/, ''),
    account: { login: gh.owner, type: 'Organization' },
    target_type: 'Organization',
    repository_selection: 'selected',
    permissions: { contents: 'write', pull_requests: 'write', issues: 'write', actions: 'write' },
  });
  const router = new Router()
    .on('GET', '/repos/{owner}/{repo}/installation', () => json(200, installation()))
    .on('GET', '/app/installations', () => json(200, [installation()]))
    .on('GET', '/installation/repositories', () =>
      json(200, {
        total_count: 1,
        repositories: [
          {
            id: gh.repositoryId,
            name: gh.repo,
            full_name: gh.fullName,
            default_branch: gh.defaultBranch,
            owner: { login: gh.owner, type: 'Organization' },
          },
        ],
      }),
    );
  registerSessionReadRoutes(router, gh);
  return router;
}
