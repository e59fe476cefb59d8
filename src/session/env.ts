import { z } from 'zod';
import { SESSION_ROLES } from '../core/sessions/session.js';
import { isEngine, listEngines } from '../core/vocabulary/engine-names.js';
import { isAnyBuildId, LOOP_SUBJECT, WORKER_ID } from '../core/vocabulary/ids.js';
import { optionalVar as optional, parseEnvWith } from './env-sources.js';

/**
 * The environment of `baton session agent|publish` (DESIGN §9). The workflow
 * passes the dispatch inputs as `BATON_*`; the rest is GitHub Actions' own.
 */
export const SessionEnv = z.object({
  BATON_ROLE: z.enum(SESSION_ROLES),
  BATON_BUILD: z
    .string()
    .refine(
      isAnyBuildId,
      'BATON_BUILD is <issue>-<slug> (a change set member: <issue>-<slug>.<owner>.<repo>)',
    ),
  BATON_ISSUE: optional,
  BATON_WORKER: optional.refine(
    (w) => w === undefined || WORKER_ID.test(w) || LOOP_SUBJECT.test(w),
    'BATON_WORKER is W<wave>.<seq>, or L<n> for an improvement loop',
  ),
  BATON_PR: optional.refine((p) => p === undefined || /^\d+$/.test(p), 'BATON_PR is a number'),
  BATON_TRIGGER: optional,
  /** The coding engine the app chose (dispatch input `engine`); unset: the session works it out from the config. */
  BATON_ENGINE: optional.refine(
    (e) => e === undefined || isEngine(e),
    `BATON_ENGINE is ${listEngines()}`,
  ),
  /**
   * A change set's session (dispatch input `budget`): the dollars the set's
   * budget had left when the app dispatched it; the session's dollar limit is
   * at most this (docs/change-sets.md). Unset outside a change set.
   */
  BATON_SET_BUDGET_USD: optional.refine(
    (usd) => usd === undefined || /^\d{1,9}(\.\d{1,2})?$/.test(usd),
    'BATON_SET_BUDGET_USD is a number of dollars, such as 9.90',
  ),
  /** The folder the agent job leaves for the publish job (the views job: the views it fetched). */
  BATON_OUT: z.string().min(1),
  /**
   * A change set's plan session (docs/change-sets.md): where the `views` job left
   * the other repositories it may read, read-only; unset in every other session.
   */
  BATON_VIEWS: optional,
  /** Where the app serves `POST /api/baton/session-token`. */
  BATON_APP_URL: optional,
  /**
   * Server-less mode (docs/serverless.md): the app's id and key, on the publish
   * step only; publish then mints its own token instead of asking BATON_APP_URL.
   */
  BATON_APP_ID: optional,
  BATON_APP_PRIVATE_KEY: optional,
  BATON_OIDC_AUDIENCE: z.string().min(1).default('baton'),
  /** The user the model's bash commands run as (see docs/sessions.md); unset: the job's own. */
  BATON_TOOL_USER: optional.refine(
    (u) => u === undefined || /^[a-z_][a-z0-9_-]*$/.test(u),
    'BATON_TOOL_USER is a user name',
  ),
  GITHUB_API_URL: z.string().url().default('https://api.github.com'),
  GITHUB_SERVER_URL: z.string().url().default('https://github.com'),
  /** Where GraphQL is (`/api/graphql` on Enterprise Server); derived from GITHUB_API_URL when unset. */
  GITHUB_GRAPHQL_URL: z.string().url().optional(),
  GITHUB_TOKEN: optional,
  GITHUB_REPOSITORY: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'GITHUB_REPOSITORY is owner/name'),
  GITHUB_WORKSPACE: z.string().min(1),
  GITHUB_RUN_ID: optional,
  GITHUB_REPOSITORY_ID: optional,
  GITHUB_EVENT_NAME: optional,
  GITHUB_REF: optional,
  GITHUB_ACTOR: optional,
  GITHUB_TRIGGERING_ACTOR: optional,
  /** The event that started the run (Actions writes it); gives the repository's default branch. */
  GITHUB_EVENT_PATH: optional,
  ACTIONS_ID_TOKEN_REQUEST_URL: optional,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: optional,
  ANTHROPIC_API_KEY: optional,
  ANTHROPIC_BASE_URL: optional,
  /**
   * Anthropic's workload identity federation, instead of ANTHROPIC_API_KEY
   * (docs/security.md, "The model key"): the agent job's GitHub OIDC token is
   * exchanged for a short-lived access token. Identifiers, not secrets
   * (repository variables); the job needs `id-token: write`.
   */
  ANTHROPIC_FEDERATION_RULE_ID: optional,
  ANTHROPIC_ORGANIZATION_ID: optional,
  ANTHROPIC_SERVICE_ACCOUNT_ID: optional,
  ANTHROPIC_WORKSPACE_ID: optional,
  /** The audience of the OIDC token the federation rule expects. */
  ANTHROPIC_OIDC_AUDIENCE: z.string().min(1).default('https://api.anthropic.com'),
  /** The OpenAI key, for sessions on the `codex` engine; only the model proxy uses it. */
  OPENAI_API_KEY: optional,
  /** Another Responses API endpoint than https://api.openai.com/v1. */
  OPENAI_BASE_URL: optional,
  /** Where pinned engines are installed and found again (the workflow caches it); default under RUNNER_TOOL_CACHE. */
  BATON_ENGINE_CACHE: optional,
});
export type SessionEnv = z.infer<typeof SessionEnv>;

export type ParsedSessionEnv = { ok: true; env: SessionEnv } | { ok: false; problems: string[] };

/** Reads the session's environment; every problem says what sets the variable (`parseEnvWith`). */
export function parseSessionEnv(source: Record<string, string | undefined>): ParsedSessionEnv {
  return parseEnvWith(SessionEnv, source);
}
