import { z } from 'zod';

/**
 * Where each variable of a session's environment comes from, so a missing or
 * malformed one is reported with what sets it (docs/sessions.md, "Settings
 * the workflow reads", and `templates/workflows/baton.yml`) rather than in
 * schema words.
 */
const DISPATCH_INPUTS: Record<string, string> = {
  BATON_ROLE: 'role',
  BATON_BUILD: 'build',
  BATON_ISSUE: 'issue',
  BATON_WORKER: 'worker',
  BATON_PR: 'pr',
  BATON_TRIGGER: 'trigger',
  BATON_ENGINE: 'engine',
  BATON_SET_BUDGET_USD: 'budget',
};

const OTHER_SOURCES: Record<string, string> = {
  BATON_OUT: `the Baton workflow sets it on the "Run the session" and "Publish the session" steps (env: BATON_OUT: \${{ runner.temp }}/baton-out)`,
  BATON_APP_URL: `the Baton workflow sets it from the repository variable BATON_APP_URL (env: BATON_APP_URL: \${{ vars.BATON_APP_URL }}); set that variable under Settings → Secrets and variables → Actions → Variables`,
  BATON_APP_ID: `the Baton workflow sets it on the "Publish the session" step from the repository variable BATON_APP_ID (env: BATON_APP_ID: \${{ vars.BATON_APP_ID }})`,
  BATON_APP_PRIVATE_KEY: `the Baton workflow sets it on the "Publish the session" step from the repository secret BATON_APP_PRIVATE_KEY (env: BATON_APP_PRIVATE_KEY: \${{ secrets.BATON_APP_PRIVATE_KEY }})`,
  BATON_OIDC_AUDIENCE: `the Baton workflow sets it from the repository variable BATON_OIDC_AUDIENCE (env: BATON_OIDC_AUDIENCE: \${{ vars.BATON_OIDC_AUDIENCE || 'baton' }})`,
  BATON_TOOL_USER:
    'the Baton workflow sets it on the "Run the session" step (env: BATON_TOOL_USER: baton-tools)',
  BATON_AFTER: `the Baton workflow sets it on the review jobs of a work or fix session's run (env: BATON_AFTER: \${{ inputs.role }})`,
  ANTHROPIC_API_KEY: `the Baton workflow sets it from the repository secret ANTHROPIC_API_KEY (env: ANTHROPIC_API_KEY: \${{ secrets.ANTHROPIC_API_KEY }})`,
  OPENAI_API_KEY: `the Baton workflow sets it from the repository secret OPENAI_API_KEY (env: OPENAI_API_KEY: \${{ secrets.OPENAI_API_KEY }}), for sessions on an engine that calls OpenAI (Codex)`,
  GITHUB_TOKEN: `the Baton workflow sets it on the "Run the session" step (env: GITHUB_TOKEN: \${{ github.token }})`,
};

/** A variable that may be unset; empty reads as unset, as Actions passes an unset input or variable as ''. */
export const optionalVar = z
  .string()
  .optional()
  .transform((value) => (value ? value : undefined));

/**
 * Reads an environment with `schema`; every problem names the variable, says
 * whether it is unset, empty or malformed, and what sets it in the workflow.
 */
export function parseEnvWith<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined>,
): { ok: true; env: z.output<S> } | { ok: false; problems: string[] } {
  const parsed = schema.safeParse(source);
  if (parsed.success) return { ok: true, env: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      return renderEnvProblem({ name, value: source[name], message: issue.message });
    }),
  };
}

/** What sets `name` in a session, and where in the workflow; one sentence. */
export function describeEnvSource(name: string): string {
  const input = DISPATCH_INPUTS[name];
  if (input) {
    return `the Baton workflow sets it from the dispatch input \`${input}\` (env: ${name}: \${{ inputs.${input} }}), which the Baton app fills in when it dispatches the session`;
  }
  const other = OTHER_SOURCES[name];
  if (other) return other;
  if (name.startsWith('GITHUB_') || name.startsWith('ACTIONS_')) {
    return 'GitHub Actions sets it in every job; outside Actions, set it yourself';
  }
  return 'set it in the environment of the step that runs `baton`';
}

/** One line about one variable: unset, empty or malformed, and what sets it. */
export function renderEnvProblem({
  name,
  value,
  message,
}: {
  name: string;
  value: string | undefined;
  message: string;
}): string {
  const what =
    value === undefined
      ? `${name} is not set`
      : value === ''
        ? `${name} is empty`
        : `${name} is not valid (${message})`;
  return `${what}: ${describeEnvSource(name)}.`;
}
