/**
 * The pull-label door (docs/intake.md): a writer gives an open pull request
 * of this repository the build label (or a type's), and asks for a build
 * whose base is the pull request's branch (`buildBaseBranch`): the build
 * branch starts from it, is kept in sync with it, and the final pull request
 * targets it. The build lives on the pull request, as any build lives on its
 * issue: its title and body are the brief, read as an issue's are. Off until
 * `events.pullLabel` of the default branch's `.github/baton.yml` turns it on.
 */
import type { Context } from 'probot';
import { labelRefusal } from '../../../core/commands/render-replies.js';
import { askedByLabel, labelSettingsOf } from '../../../core/config/build-labels.js';
import { BaseBranch } from '../../../core/snapshot/ask-record.js';
import { CONFIG_FILE, parseBatonBranch } from '../../../core/vocabulary/ids.js';
import { code } from '../../../core/vocabulary/markdown.js';
import { loadConfig } from '../../../read-config.js';
import { ensureNote } from '../../act/ensure-note.js';
import { withReason } from '../../client/request-reason.js';
import {
  type BuildLog,
  type ContextDeps,
  type EventContext,
  repoContext,
  type ScheduleDeps,
} from '../queue/handler-deps.js';
import { findBuildForIssue } from '../queue/locate-build.js';
import { scheduleFromDelivery } from '../queue/schedule-reconcile.js';
import { type AskAnswer, askForBuild, startFromDelivery } from './ask-for-build.js';

/** What a labelled pull request came to: not this door's, refused with a reply, or asked. */
export type PullLabelAnswer =
  | { result: 'ignored'; why: string }
  | { result: 'refused'; why: 'door-off' | 'fork' | 'branch-name' }
  | { result: 'asked'; answer: AskAnswer };

/** `pull_request.labeled`: the build label on a pull request asks for a build on its branch. */
export async function onPullLabeled(
  context: Context<'pull_request.labeled'>,
  deps: ContextDeps & ScheduleDeps,
): Promise<PullLabelAnswer> {
  const { pull_request: pull, label, sender, repository } = context.payload;
  const ignored = (why: string): PullLabelAnswer => ({ result: 'ignored', why });
  if (!label || pull.state !== 'open') return ignored('no label, or a closed pull request');
  const fork = pull.head.repo?.id !== repository.id;
  // Baton's own pull requests (a worker's, the final one) are never a build's base.
  if (!fork && parseBatonBranch(pull.head.ref)) return ignored("Baton's own branch");
  const ctx = await repoContext(context, deps);
  const config = await loadConfig(ctx.octokit, { owner: ctx.owner, repo: ctx.repo });
  const what = askedByLabel(labelSettingsOf(config), label.name);
  if (what?.kind !== 'build') return ignored('not a build label');
  const refuse = async (why: 'door-off' | 'fork' | 'branch-name'): Promise<PullLabelAnswer> => {
    await withReason('notice', () =>
      ensureNote(ctx, { number: pull.number, key: `pull-label-${why}`, body: REPLIES[why](pull) }),
    );
    return { result: 'refused', why };
  };
  if (!config.ok || !config.config.events.pullLabel) return refuse('door-off');
  if (fork) return refuse('fork');
  if (!BaseBranch.safeParse(pull.head.ref).success) return refuse('branch-name');
  const answer = await askForBuild(
    ctx,
    {
      asker: sender.login,
      issue: { number: pull.number, title: pull.title },
      what,
      how: { way: 'pull-label', pull: pull.number, label: label.name, branch: pull.head.ref },
      at: deps.now(),
      link: pull.html_url,
      refusal: labelRefusal(sender.login, label.name),
      ...(deps.onAudit ? { heard: { issueUrl: pull.html_url, onAudit: deps.onAudit } } : {}),
    },
    startFromDelivery(ctx, context, deps, config),
  );
  return { result: 'asked', answer };
}

/** The pull request as the replies name it. */
interface Labelled {
  head: { ref: string; repo: { full_name: string } | null };
}

/** What Baton says once on a pull request whose label it does not take, by why. */
const REPLIES: Record<'door-off' | 'fork' | 'branch-name', (pull: Labelled) => string> = {
  'door-off': () =>
    [
      'Baton builds on a labelled pull request only where the repository turns that on, and this one does not.',
      '',
      `A maintainer turns it on in ${code(`.github/${CONFIG_FILE}`)} on the default branch:`,
      '',
      '```yaml',
      'events:',
      '  pullLabel: true',
      '```',
      '',
      'Then take the label off and give it again.',
    ].join('\n'),
  fork: (pull) =>
    [
      `Baton does not build on this pull request: its branch is in another repository (${code(pull.head.repo?.full_name ?? 'a fork that is gone')}), and a build's branch and final pull request live in this one.`,
      '',
      'Push the branch to this repository and label a pull request from there, or label an issue instead.',
    ].join('\n'),
  'branch-name': () =>
    [
      "Baton does not build on this pull request: its branch's name holds characters Baton does not take in a build's base (it takes letters, digits and `._/-`).",
      '',
      'Rename the branch, or label an issue instead.',
    ].join('\n'),
};

/**
 * A labelled pull request of this repository closed, reopened or pushed to: where it
 * is a build's (the build lives on it), that build is looked at again, so it merges
 * its base's new head in, or stops when its base is gone (`baseGone`). Only a pull
 * request with a label can be one: any other costs no read.
 */
export async function onBasePullEvent(
  context: EventContext & {
    log: BuildLog;
    payload: {
      pull_request: { number: number; labels: unknown[]; head: { ref: string } };
      repository: { default_branch: string };
    };
  },
  deps: ContextDeps & ScheduleDeps,
): Promise<void> {
  const { pull_request: pull } = context.payload;
  if (pull.labels.length === 0 || parseBatonBranch(pull.head.ref)) return;
  const ctx = await repoContext(context, deps);
  const ref = await findBuildForIssue(ctx, pull.number);
  if (ref) scheduleFromDelivery(ctx, context, { ref, deps });
}
