import type { FakeGitHub } from '../github/fake-github.js';
import { json, Router } from '../github/router.js';
import { installationBody } from '../github/routes/routes-installation.js';
import { registerSessionReadRoutes } from './session-read-routes.js';

/**
 * Routes a real app process and real sessions need beyond what app tests
 * mount: the app's installation list and the reads of review and fix sessions.
 * Asked only when the simulated GitHub has no route for a request, and logged
 * on `gh.log` like the rest.
 */
export function createExtraRoutes(gh: FakeGitHub): Router {
  // The installation's repositories are the simulated GitHub's own route (routes-git.ts), as the token sees them.
  const router = new Router().on('GET', '/app/installations', () =>
    json(200, [installationBody(gh)]),
  );
  registerSessionReadRoutes(router, gh);
  return router;
}
