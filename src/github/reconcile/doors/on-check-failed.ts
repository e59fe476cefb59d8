/**
 * The check-failed door (docs/intake.md): a run of a workflow that
 * `events.checkFailed.workflows` names, failed on a push to the default branch
 * at the branch's head, asks for a fix build. One per head (the ref
 * `refs/baton-events/check-failed/<sha>`, created before anything is written,
 * so several failed runs of one head and several replicas start one), one at
 * a time (none while an issue this door opened is open), asked by the run's
 * actor, who pushed or merged: only a writer's push starts one.
 */
import type { Context } from 'probot';
import type { ParsedConfig } from '../../../core/config/config.js';
import { loadConfigAt } from '../../../read-config.js';
import { writeOnceByRef } from '../../act/locks/write-once.js';
import { withReason } from '../../client/request-reason.js';
import type { RepoContext } from '../../client/types.js';
import { hasWriteAccess } from '../../observe/permissions.js';
import { type ContextDeps, repoContext, type ScheduleDeps } from '../queue/handler-deps.js';
import { type AskAnswer, askForBuild, startFromDelivery } from './ask-for-build.js';

/** The marker each issue this door opens begins with. */
const MARKER = '<!-- baton:check-failed';

/** What a failed run came to. */
export type CheckFailedAnswer =
  | { result: 'ignored'; why: string }
  | { result: 'taken' }
  | { result: 'started'; issue: number; answer: AskAnswer };

/** `workflow_run.completed`: a failed run of a named workflow at the default branch's head. */
export async function onCheckFailed(
  context: Context<'workflow_run.completed'>,
  deps: ContextDeps & ScheduleDeps,
): Promise<CheckFailedAnswer> {
  const { workflow_run: run, repository } = context.payload;
  const ignored = (why: string): CheckFailedAnswer => ({ result: 'ignored', why });
  if (run.conclusion !== 'failure') return ignored('not a failure');
  if (run.event !== 'push' || run.head_branch !== repository.default_branch)
    return ignored('not a push to the default branch');
  const ctx = await repoContext(context, deps);
  const { data: head } = await ctx.octokit.rest.git.getRef({
    owner: ctx.owner,
    repo: ctx.repo,
    ref: `heads/${repository.default_branch}`,
  });
  // The branch moved on: its new head's runs say whether it is still red.
  if (head.object.sha !== run.head_sha) return ignored('not the head');
  const config = await loadConfigAt(ctx, head.object.sha);
  if (!config.ok || !config.config.events.checkFailed.workflows.includes(run.name ?? ''))
    return ignored('a workflow the configuration does not name');
  const sha = run.head_sha;
  const guarded = await withReason('notice', () =>
    writeOnceByRef(ctx, { ref: `refs/baton-events/check-failed/${sha}`, sha }, () =>
      startFix(ctx, {
        run: {
          name: run.name ?? 'CI',
          url: run.html_url,
          sha,
          actor: run.actor?.login ?? '',
        },
        branch: repository.default_branch,
        at: deps.now(),
        start: startFromDelivery(ctx, context, deps, config as ParsedConfig),
      }),
    ),
  );
  return guarded.taken ? { result: 'taken' } : guarded.value;
}

async function startFix(
  ctx: RepoContext,
  {
    run,
    branch,
    at,
    start,
  }: {
    run: { name: string; url: string; sha: string; actor: string };
    branch: string;
    at: string;
    start: ReturnType<typeof startFromDelivery>;
  },
): Promise<CheckFailedAnswer> {
  if (!run.actor || !(await hasWriteAccess(ctx, run.actor)))
    return { result: 'ignored', why: 'pushed by someone without write access' };
  const open = await ctx.octokit.paginate(ctx.octokit.rest.issues.listForRepo, {
    owner: ctx.owner,
    repo: ctx.repo,
    creator: ctx.botLogin,
    state: 'open',
    per_page: 100,
  });
  if (open.some((issue) => !issue.pull_request && issue.body?.startsWith(MARKER)))
    return { result: 'ignored', why: 'a fix build of the default branch is open' };
  const short = run.sha.slice(0, 7);
  const title = `Fix ${branch}: ${run.name} failed at ${short}`;
  const body = [
    `${MARKER} head=${run.sha} -->`,
    `\`${branch}\` is red at ${run.sha}: the workflow ${run.name} failed (${run.url}), after a push by @${run.actor}.`,
    '',
    `Find why ${run.name} fails at this commit and make it pass, changing what is wrong rather than the checks.`,
  ].join('\n');
  const { data: issue } = await withReason('notice', () =>
    ctx.octokit.rest.issues.create({ owner: ctx.owner, repo: ctx.repo, title, body }),
  );
  const answer = await askForBuild(
    ctx,
    {
      asker: run.actor,
      issue: { number: issue.number, title },
      what: { kind: 'build', type: 'code' },
      how: { way: 'check-failed', head: run.sha },
      at,
      link: run.url,
      found: null,
    },
    start,
  );
  return { result: 'started', issue: issue.number, answer };
}
