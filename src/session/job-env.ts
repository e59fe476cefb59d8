import { z } from 'zod';
import { optionalVar as optional } from './env-sources.js';

/**
 * What every Baton step in Actions reads the same way, a session's and a doctor session's
 * alike (docs/sessions.md, "Settings the workflow reads"): where it leaves its output, how it
 * reaches the app, the user its tools run as, and what GitHub Actions gives every job.
 */
export const JOB_ENV = {
  /** The folder the agent job leaves for the publish job (the views job: the views it fetched). */
  BATON_OUT: z.string().min(1),
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
  GITHUB_TOKEN: optional,
  GITHUB_REPOSITORY: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'GITHUB_REPOSITORY is owner/name'),
  GITHUB_WORKSPACE: z.string().min(1),
  GITHUB_REPOSITORY_ID: optional,
  GITHUB_EVENT_NAME: optional,
  GITHUB_REF: optional,
  /** Who started the run: the app's bot, whose permission the agent job asks. */
  GITHUB_ACTOR: optional,
  GITHUB_TRIGGERING_ACTOR: optional,
  ACTIONS_ID_TOKEN_REQUEST_URL: optional,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: optional,
  ANTHROPIC_API_KEY: optional,
  ANTHROPIC_BASE_URL: optional,
  /** The OpenAI key, for sessions on the `codex` engine; only the model proxy uses it. */
  OPENAI_API_KEY: optional,
  /** Another Responses API endpoint than https://api.openai.com/v1. */
  OPENAI_BASE_URL: optional,
};
