import type { FakeGitHub } from '../github/fake-github.js';
import { json, Router } from '../github/router.js';
import { installationBody } from '../github/routes/routes-installation.js';
import { registerSessionReadRoutes } from './session-read-routes.js';

/**
 * Routes a real app process and real sessions need beyond what app tests
 * mount: the app's installation list (the periodic resync uses it) and the reads of review and fix sessions.
 * Asked only when the simulated GitHub has no route for a request, and logged
 * on `gh.log` like the rest.
 */
export function createExtraRoutes(gh: FakeGitHub): Router {
  const router = new Router()
    .on('GET', '/app/installations', () => json(200, [installationBody(gh)]))
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
