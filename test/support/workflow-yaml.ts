import { renderTemplates } from '../../src/templates.js';

/** The commit the tests pin Baton's action to in the templates they render. */
export const TEMPLATE_REF = '0123456789abcdef0123456789abcdef01234567';

/**
 * The text of the template Baton installs at `path`, its action pinned to `repository` (baton-dev/baton)
 * at `ref`; `serverless` adds the conductor workflow, as `baton setup --serverless` installs it.
 */
export function templateText(
  path: string,
  {
    ref = TEMPLATE_REF,
    repository = 'baton-dev/baton',
    serverless = false,
  }: { ref?: string; repository?: string; serverless?: boolean } = {},
): string {
  const templates = renderTemplates({ batonRepository: repository, batonRef: ref, serverless });
  const found = templates.find((entry) => entry.path === path);
  if (!found) throw new Error(`no template for ${path}`);
  return found.content;
}

/** A step of an installed workflow as js-yaml reads it: what the tests look at. */
export interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

/** A job of an installed workflow as js-yaml reads it. */
export interface WorkflowJob {
  env?: Record<string, string>;
  steps: WorkflowStep[];
}
