import { z } from 'zod';
import { REVIEWED_IN_RUN, SESSION_ROLES } from '../core/sessions/session.js';
import { isEngine, listEngines } from '../core/vocabulary/engine-names.js';
import {
  isAnyBuildId,
  LOOP_SUBJECT,
  MILESTONE_SUBJECT,
  WORKER_ID,
} from '../core/vocabulary/ids.js';
import { optionalVar as optional, parseEnvWith } from './env-sources.js';
import { JOB_ENV } from './job-env.js';

/**
 * The environment of `baton session agent|publish` (docs/sessions.md, "Settings the workflow reads"). The workflow
 * passes the dispatch inputs as `BATON_*`; the rest is GitHub Actions' own (what every step reads: `JOB_ENV`).
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
    (w) =>
      w === undefined || WORKER_ID.test(w) || LOOP_SUBJECT.test(w) || MILESTONE_SUBJECT.test(w),
    'BATON_WORKER is W<wave>.<seq>, L<n> for an improvement loop, or M<k> for a milestone’s validation',
  ),
  BATON_PR: optional.refine((p) => p === undefined || /^\d+$/.test(p), 'BATON_PR is a number'),
  BATON_TRIGGER: optional,
  /**
   * A review in a work, contract or fix session's run (its `review` jobs): the role of the
   * session it follows there. Its usage is recorded apart from that session's.
   */
  BATON_AFTER: z.preprocess((v) => (v === '' ? undefined : v), z.enum(REVIEWED_IN_RUN).optional()),
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
  ...JOB_ENV,
  /**
   * A change set's plan session (docs/change-sets.md): where the `views` job left
   * the other repositories it may read, read-only; unset in every other session.
   */
  BATON_VIEWS: optional,
  /** Where GraphQL is (`/api/graphql` on Enterprise Server); derived from GITHUB_API_URL when unset. */
  GITHUB_GRAPHQL_URL: z.string().url().optional(),
  GITHUB_RUN_ID: optional,
  /** The event that started the run (Actions writes it); gives the repository's default branch. */
  GITHUB_EVENT_PATH: optional,
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
  /** Where pinned engines are installed and found again (the workflow caches it); default under RUNNER_TOOL_CACHE. */
  BATON_ENGINE_CACHE: optional,
});
export type SessionEnv = z.infer<typeof SessionEnv>;

/** A review in a work, contract or fix session's run: BATON_AFTER names that session's role. */
function reviewAfterProblem(env: SessionEnv): string | null {
  if (env.BATON_AFTER === undefined || env.BATON_ROLE === 'review') return null;
  return `BATON_AFTER is set only on the Baton workflow's review jobs, whose BATON_ROLE is review (here ${env.BATON_ROLE})`;
}

export type ParsedSessionEnv = { ok: true; env: SessionEnv } | { ok: false; problems: string[] };

/** Reads the session's environment; every problem says what sets the variable (`parseEnvWith`). */
export function parseSessionEnv(source: Record<string, string | undefined>): ParsedSessionEnv {
  const parsed = parseEnvWith(SessionEnv, source);
  if (!parsed.ok) return parsed;
  const problem = reviewAfterProblem(parsed.env);
  return problem ? { ok: false, problems: [problem] } : parsed;
}
