import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Routes tests find in GitHub's log, or fail, by name, as GitHub's description spells them. */
export const DISPATCH = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';
export const CREATE_ISSUE = 'POST /repos/{owner}/{repo}/issues';
export const EDIT_COMMENT = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}';

/**
 * Every REST route in GitHub's published description, as Octokit's generated
 * endpoint list has them (`GET /repos/{owner}/{repo}/issues/{issue_number}`).
 * The package does not export the list, so it is read from its file.
 */
export async function knownRestRoutes(): Promise<Set<string>> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@octokit/plugin-rest-endpoint-methods');
  const file = join(dirname(entry), 'generated', 'endpoints.js');
  const { default: endpoints } = (await import(pathToFileURL(file).href)) as {
    default: Record<string, Record<string, [string, ...unknown[]]>>;
  };
  const routes = new Set<string>();
  for (const scope of Object.values(endpoints)) {
    for (const [route] of Object.values(scope)) routes.add(route);
  }
  // GraphQL is one endpoint outside the REST list.
  routes.add('POST /graphql');
  return routes;
}
