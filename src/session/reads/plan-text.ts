import { buildTypeOfLabels, labelOfType } from '../../core/config/build-labels.js';
import type { Config } from '../../core/config/config.js';
import { isSessionTrigger, parseTrigger } from '../../core/sessions/session.js';
import type { GitHubReads } from './github-reads.js';
import { labelNames } from './github-shapes.js';
import { issueTextProblem, type PlanRequest } from './issue-text.js';

/** The comment a plan answers (a `/replan`, trigger `comment-<id>`), or null. */
export function feedbackCommentId(trigger: string | undefined): string | null {
  if (!trigger || !isSessionTrigger(trigger)) return null;
  const { kind, id } = parseTrigger(trigger);
  return kind === 'comment' ? id : null;
}

/** What asked for a plan: the writer's `/replan` it answers, else the label of the issue's build type. */
export function planRequestOf(
  config: Pick<Config, 'label' | 'types'>,
  labels: string[],
  feedback: { author: string; at: string } | null,
): PlanRequest {
  return feedback
    ? { kind: 'replan', at: feedback.at, login: feedback.author }
    : { kind: 'label', label: labelOfType(config, buildTypeOfLabels(config, labels)) };
}

/**
 * A plan session's check of the issue's text (`issueTextProblem`), with reads
 * of its own: the issue's labels, its sub-issues (who opened each, when), the
 * `/replan` the session answers. Publish runs it with the app's token before
 * it writes a plan, where the agent job's token may not read a collaborator's
 * permission (docs/doctor.md, `collaborator-permission`); it reads nothing
 * the agent job handed over.
 */
export async function planTextProblem(
  github: Pick<
    GitHubReads,
    'getIssue' | 'getIssueComment' | 'listSubIssues' | 'getIssueHistory' | 'getPermission'
  >,
  {
    issue,
    trigger,
    config,
    app,
  }: {
    issue: number;
    trigger: string | undefined;
    config: Pick<Config, 'label' | 'types'>;
    /** The app's own login, the run's actor (`issueTextProblem`'s `app`). */
    app?: string | undefined;
  },
): Promise<string | null> {
  const read = await github.getIssue(issue);
  const subs = await github.listSubIssues(issue);
  const id = feedbackCommentId(trigger);
  const comment = id ? await github.getIssueComment(id) : null;
  const feedback = comment
    ? { author: comment.user?.login ?? 'someone', at: comment.created_at ?? '' }
    : null;
  return issueTextProblem(github, {
    issue,
    request: planRequestOf(config, labelNames(read), feedback),
    subIssues: subs.map((sub) => sub.number),
    app,
    ...(subs.length > 0
      ? {
          opened: new Map(
            subs.map((sub) => [
              sub.number,
              { login: sub.user?.login ?? null, at: sub.created_at ?? '' },
            ]),
          ),
        }
      : {}),
  });
}
