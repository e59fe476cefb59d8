import { renderTemplates } from '../../src/templates.js';

/** The commit the tests pin Baton's action to in the templates they render. */
export const TEMPLATE_REF = '0123456789abcdef0123456789abcdef01234567';

/** The text of the template Baton installs at `path`, its action pinned to baton-dev/baton at `ref`. */
export function templateText(path: string, ref = TEMPLATE_REF): string {
  const found = renderTemplates({ batonRepository: 'baton-dev/baton', batonRef: ref }).find(
    (entry) => entry.path === path,
  );
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
