import { z } from 'zod';
import { DOCTOR_ID } from '../../core/doctor/doctor-session.js';
import { optionalVar as optional, parseEnvWith } from '../env-sources.js';
import { graphqlUrlOf } from '../reads/github-reads.js';

/**
 * The environment of a doctor session (`BATON_ROLE=doctor`, docs/doctor.md):
 * the session workflow's, with the doctor's id in BATON_BUILD.
 */
export const DoctorEnv = z.object({
  BATON_BUILD: z.string().regex(DOCTOR_ID, 'BATON_BUILD is doctor-<nonce> for a doctor session'),
  BATON_OUT: z.string().min(1),
  BATON_APP_URL: optional,
  /** Server-less mode: the app's id and key, from which publish mints its own token. */
  BATON_APP_ID: optional,
  BATON_APP_PRIVATE_KEY: optional,
  BATON_OIDC_AUDIENCE: z.string().min(1).default('baton'),
  GITHUB_API_URL: z.string().url().default('https://api.github.com'),
  GITHUB_SERVER_URL: z.string().url().default('https://github.com'),
  /** Actions gives it; on GitHub Enterprise Server GraphQL is not under GITHUB_API_URL. */
  GITHUB_GRAPHQL_URL: optional,
  GITHUB_TOKEN: optional,
  GITHUB_REPOSITORY: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'GITHUB_REPOSITORY is owner/name'),
  GITHUB_WORKSPACE: z.string().min(1),
  /** Who started the run: the app's bot, whose permission the agent job asks. */
  GITHUB_ACTOR: optional,
  GITHUB_TRIGGERING_ACTOR: optional,
  GITHUB_REPOSITORY_ID: optional,
  GITHUB_EVENT_NAME: optional,
  GITHUB_REF: optional,
  ACTIONS_ID_TOKEN_REQUEST_URL: optional,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: optional,
  ANTHROPIC_API_KEY: optional,
  ANTHROPIC_BASE_URL: optional,
  OPENAI_API_KEY: optional,
  OPENAI_BASE_URL: optional,
  /** The tools user the sandbox runs the model's commands as; the doctor opens it once. */
  BATON_TOOL_USER: optional.refine(
    (u) => u === undefined || /^[a-z_][a-z0-9_-]*$/.test(u),
    'BATON_TOOL_USER is a user name',
  ),
});
export type DoctorEnv = z.infer<typeof DoctorEnv>;

export function parseDoctorEnv(
  source: Record<string, string | undefined>,
): { ok: true; env: DoctorEnv } | { ok: false; problems: string[] } {
  return parseEnvWith(DoctorEnv, source);
}

/** Where GraphQL is: Actions' GITHUB_GRAPHQL_URL, else derived from the REST API's URL. */
export function doctorGraphqlUrl(env: DoctorEnv): string {
  return env.GITHUB_GRAPHQL_URL || graphqlUrlOf(env.GITHUB_API_URL);
}

/** The agent job's report, beside the session output. */
export const DOCTOR_REPORT_FILE = 'doctor.json';
