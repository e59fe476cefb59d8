/**
 * The trailers of the commits a session makes and publish pushes
 * (docs/governance.md): the build and its issue, the worker, the run that
 * made them, and the settings in force (the repository, and the default
 * branch's commit the session read `.github/baton.yml` at). Values come from
 * the run's own ids, never from the model; who asked and who approved are
 * the app's to say, on the merge that brings the work into the build branch.
 */
import type { WriteTrailers } from '../core/vocabulary/trailers.js';
import type { SessionEnv } from './env.js';

export function sessionTrailers(
  env: Pick<
    SessionEnv,
    | 'BATON_BUILD'
    | 'BATON_ISSUE'
    | 'BATON_WORKER'
    | 'GITHUB_SERVER_URL'
    | 'GITHUB_REPOSITORY'
    | 'GITHUB_RUN_ID'
  >,
  { policyCommit }: { policyCommit?: string | null } = {},
): WriteTrailers {
  const repository = `${env.GITHUB_SERVER_URL.replace(/\/+$/, '')}/${env.GITHUB_REPOSITORY}`;
  const issue = env.BATON_ISSUE && /^[1-9]\d{0,9}$/.test(env.BATON_ISSUE) ? env.BATON_ISSUE : null;
  const run =
    env.GITHUB_RUN_ID && /^[1-9]\d{0,19}$/.test(env.GITHUB_RUN_ID) ? env.GITHUB_RUN_ID : null;
  return {
    build: env.BATON_BUILD,
    ...(issue ? { status: `${repository}/issues/${issue}` } : {}),
    ...(env.BATON_WORKER ? { worker: env.BATON_WORKER } : {}),
    ...(run ? { evidence: [`run ${repository}/actions/runs/${run}`] } : {}),
    ...(policyCommit ? { policy: { source: env.GITHUB_REPOSITORY, commit: policyCommit } } : {}),
  };
}
