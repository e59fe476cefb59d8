import type { Context } from 'probot';
import { labelRefusal } from '../../../core/commands/render-replies.js';
import { askedByLabel, labelSettingsOf } from '../../../core/config/build-labels.js';
import { loadConfig } from '../../../read-config.js';
import { type ContextDeps, repoContext, type ScheduleDeps } from '../queue/handler-deps.js';
import { findBuildForIssue } from '../queue/locate-build.js';
import { scheduleFromDelivery } from '../queue/schedule-reconcile.js';
import { askForBuild, startFromDelivery } from './ask-for-build.js';

/**
 * `issues.labeled`: the build label (or a type's, or `improve.label`) asks for a
 * build (`askForBuild`): from someone with write access it starts one, or
 * looks again at the one that runs; anyone else is told once.
 */
export async function onIssueLabeled(
  context: Context<'issues.labeled'>,
  deps: ContextDeps & ScheduleDeps,
): Promise<void> {
  const { issue, label, sender } = context.payload;
  if (issue.pull_request || !label) return;
  const ctx = await repoContext(context, deps);
  const config = await loadConfig(ctx.octokit, { owner: ctx.owner, repo: ctx.repo });
  // A broken config cannot name its label: the default label still gets the error report.
  const what = askedByLabel(labelSettingsOf(config), label.name);
  if (!what) return;
  await askForBuild(
    ctx,
    {
      asker: sender.login,
      issue: { number: issue.number, title: issue.title },
      what,
      how: { way: 'label', label: label.name },
      at: deps.now(),
      refusal: labelRefusal(sender.login, label.name),
      ...(deps.onAudit ? { heard: { issueUrl: issueUrlOf(context), onAudit: deps.onAudit } } : {}),
    },
    startFromDelivery(ctx, context, deps, config),
  );
}

/** The issue's page, as its repository's page names it (as the build's read does). */
function issueUrlOf(context: Context<'issues.labeled'>): string {
  return `${context.payload.repository.html_url}/issues/${context.payload.issue.number}`;
}

/**
 * `issues.closed` and `issues.reopened`: the build is looked at again. Closing
 * its issue cancels it (its PRs are closed, the record kept) only when the
 * observe step finds, on the issue's timeline, that a writer closed it
 * (`closeCancels`): the payload's `sender` is not trusted to be the last word,
 * and a lost event changes nothing.
 */
export async function onIssueStateChange(
  context: Context<'issues.closed' | 'issues.reopened'>,
  deps: ContextDeps & ScheduleDeps,
): Promise<void> {
  const { issue } = context.payload;
  if (issue.pull_request) return;
  const ctx = await repoContext(context, deps);
  const ref = await findBuildForIssue(ctx, issue.number);
  if (ref) scheduleFromDelivery(ctx, context, { ref, deps });
}
