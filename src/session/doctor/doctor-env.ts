import { z } from 'zod';
import { DOCTOR_ID } from '../../core/doctor/doctor-session.js';
import { optionalVar as optional, parseEnvWith } from '../env-sources.js';
import { JOB_ENV } from '../job-env.js';
import { graphqlUrlOf } from '../reads/github-reads.js';

/**
 * The environment of a doctor session (`BATON_ROLE=doctor`, docs/doctor.md):
 * what every Baton step reads (`JOB_ENV`), with the doctor's id in BATON_BUILD; it opens
 * BATON_TOOL_USER, the tools user the sandbox runs the model's commands as, once.
 */
export const DoctorEnv = z.object({
  BATON_BUILD: z.string().regex(DOCTOR_ID, 'BATON_BUILD is doctor-<nonce> for a doctor session'),
  ...JOB_ENV,
  /** Actions gives it; on GitHub Enterprise Server GraphQL is not under GITHUB_API_URL. */
  GITHUB_GRAPHQL_URL: optional,
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
