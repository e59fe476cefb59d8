import {
  parseBuildId,
  parseLoopSubject,
  parseMemberBuildId,
} from '../../../core/vocabulary/ids.js';
import type { SessionEnv } from '../../env.js';
import { createGitHubReads } from '../../reads/github-reads.js';
import { loadConfig } from '../../reads/load-config.js';
import { planTextProblem } from '../../reads/plan-text.js';
import type { SessionClientOptions, SessionLog } from '../../session-octokit.js';
import type { ScratchRepo } from '../scratch-repo.js';
import { fetchDefaultBranch } from './inputs/read-allow-workflow-changes.js';

/**
 * Holds a plan to the issue's text as a writer asked for it, with the app's
 * token, before the plan is written: the agent job makes the same check, but
 * where GitHub refuses its read-only token a collaborator's permission
 * (`baton doctor`'s `collaborator-permission`) it cannot, and goes on. Publish
 * runs it for every plan rather than trusting a flag in the agent's output
 * (which the agent job's steps could forge): a few reads, once per plan.
 * Adapt-mode plans and improvement loops' plans do not read the issue's text.
 */
export async function checkPlanText({
  env,
  repo,
  remote,
  token,
  fetch,
  log,
  github,
}: {
  env: SessionEnv;
  repo: ScratchRepo;
  remote: string;
  token: string;
  fetch: typeof globalThis.fetch;
  log?: SessionLog;
  github?: SessionClientOptions;
}): Promise<string[]> {
  if (parseLoopSubject(env.BATON_WORKER) !== null) return [];
  // A change set's member copies the set's plan, read when the set planned; its issue is elsewhere.
  if (parseMemberBuildId(env.BATON_BUILD)) return [];
  const issue = Number(env.BATON_ISSUE ?? parseBuildId(env.BATON_BUILD)?.issue);
  if (!Number.isInteger(issue) || issue < 1) return ['BATON_ISSUE is not an issue number'];
  // The labels that start builds, as the agent read them: the default branch's config.
  const commit = await fetchDefaultBranch({ repo, remote, token });
  const spec = `${commit}:.github/baton.yml`;
  const exists = (await repo.run({ args: ['cat-file', '-e', spec] })).code === 0;
  const { config } = loadConfig(exists ? await repo.must({ args: ['show', spec] }) : null);
  const reads = createGitHubReads({
    apiUrl: env.GITHUB_API_URL,
    ...(env.GITHUB_GRAPHQL_URL ? { graphqlUrl: env.GITHUB_GRAPHQL_URL } : {}),
    repository: env.GITHUB_REPOSITORY,
    token,
    fetch,
    ...(log ? { log } : {}),
    ...(github ? { options: github } : {}),
  });
  const problem = await planTextProblem(reads, {
    issue,
    trigger: env.BATON_TRIGGER,
    config,
    app: env.GITHUB_ACTOR,
  });
  return problem ? [problem] : [];
}
