import type { Context } from 'probot';
import type { CommandError } from '../../../core/commands/command.js';
import { commandWord, parseCommands } from '../../../core/commands/parse-commands.js';
import {
  isBatonComment,
  renderCommandErrors,
  renderCommandRefusal,
} from '../../../core/commands/render-replies.js';
import type { CommandAnswer } from '../../../core/decide/check-commands.js';
import { parseBatonBranch } from '../../../core/vocabulary/ids.js';
import { loadConfig } from '../../../read-config.js';
import { ensureNote } from '../../act/ensure-note.js';
import { defaultBranchOf } from '../../change-set/default-branch.js';
import { withReason } from '../../client/request-reason.js';
import { contextOf, type RepoContext } from '../../client/types.js';
import { hasWriteAccess } from '../../observe/permissions.js';
import {
  type CommentDeps,
  type ContextDeps,
  repoContext,
  type ScheduleDeps,
} from '../queue/handler-deps.js';
import {
  type BuildRef,
  buildOfBranch,
  findBuildForIssue,
  setOfMember,
} from '../queue/locate-build.js';
import { scheduleFromDelivery, scheduleReconcile } from '../queue/schedule-reconcile.js';
import { askForBuild, startFromDelivery } from './ask-for-build.js';

type CommentContext = Context<'issue_comment.created'>;
type Parsed = ReturnType<typeof parseCommands>;

/** How many refused people a process remembers before it forgets them all (each costs one note read again). */
const MAX_REFUSED = 10_000;

/**
 * `issue_comment.created`: commands on a build's issue or one of its worker PRs.
 * The 👀 reaction is the lock: GitHub answers 201 to the first replica that adds
 * it and 200 to any other, which stands down. `/improve` on an issue with no
 * build asks for one (`askForBuild`): a series of improvement loops.
 */
export async function onIssueComment(
  context: CommentContext,
  deps: ContextDeps & ScheduleDeps & CommentDeps,
): Promise<void> {
  const { comment, issue, sender } = context.payload;
  const body = comment.body ?? '';
  if (sender.type === 'Bot' || isBatonComment(body)) return;
  // Nothing command-shaped costs no request (a worker stands in for the PR's own).
  const shaped = parseCommands(body, { worker: 'W1.1' });
  if (shaped.commands.length === 0 && shaped.errors.length === 0) return;
  const ctx = await repoContext(context, deps);
  // Someone refused on this issue before costs at most the permission answer (cached a minute).
  const refusedKey = `${ctx.owner}/${ctx.repo}#${issue.number} ${sender.login}`;
  if (deps.refused?.has(refusedKey) && !(await hasWriteAccess(ctx, sender.login))) return;
  const pull = issue.pull_request ? await readPullHead(ctx, issue.number) : null;
  const worker = pull?.worker;
  const parsed = parseCommands(body, worker ? { worker } : {});
  if (parsed.commands.length === 0 && parsed.errors.length === 0) return;
  const found = pull ? pull.ref : await findBuildForIssue(ctx, issue.number);
  if (!found) {
    // Not a Baton build: the command may be another tool's, unless it is `/improve`.
    if (!parsed.commands.some((command) => command.name === 'improve')) return;
    // An outsider's `/improve` on an issue with no build is no Baton command: no answer.
    await askForBuild(
      ctx,
      {
        asker: sender.login,
        issue: { number: issue.number, title: issue.title },
        what: { kind: 'improve' },
        how: { way: 'command', comment: comment.id },
        at: comment.created_at,
        found: null,
        take: () => takeComment(ctx, { context, parsed, onIssue: true }),
      },
      startFromDelivery(ctx, context, deps),
    );
    return;
  }
  // A command on a change set's member pull request: taken here (this repository's writers
  // steer its workers), reconciled where the set lives (docs/change-sets.md).
  const set = pull?.home ? await contextOf(ctx, pull.home) : null;
  if (!(await hasWriteAccess(ctx, sender.login))) {
    await refuseCommand(ctx, { context, parsed, refusedKey, deps });
    return;
  }
  const taken = await takeComment(ctx, { context, parsed, onIssue: !pull });
  if (!taken || parsed.commands.length === 0) return;
  if (set) {
    scheduleReconcile(set, {
      ref: found,
      defaultBranch: await defaultBranchOf(set),
      deps,
      log: context.log,
      deliveryId: context.id,
    });
  } else {
    scheduleFromDelivery(ctx, context, { ref: found, deps, answer: taken.answer });
  }
}

/**
 * Takes a comment's commands for this process, and answers its lines that are
 * no command. On the issue of a repository that lists change sets, what a
 * command needs depends on the build: its reconcile judges it on the read it
 * acts on, and gives the 👀 if it takes it. Elsewhere the 👀 is the lock.
 * What goes to the build's reconcile; null: another replica took the comment.
 */
async function takeComment(
  ctx: RepoContext,
  { context, parsed, onIssue }: { context: CommentContext; parsed: Parsed; onIssue: boolean },
): Promise<{ answer: CommandAnswer } | null> {
  const { comment, issue, sender } = context.payload;
  const answer = { commentId: comment.id, number: issue.number, commands: parsed.commands };
  const errors = () =>
    parsed.errors.length > 0
      ? replyErrors(ctx, { number: issue.number, comment: comment.id, errors: parsed.errors })
      : undefined;
  if (onIssue && parsed.commands.length > 0 && (await listsChangeSets(ctx))) {
    await errors();
    const awaiting = { author: sender.login, createdAt: comment.created_at };
    return { answer: { ...answer, awaiting } };
  }
  const reaction = await withReason('reaction', () =>
    ctx.octokit.rest.reactions.createForIssueComment({
      owner: ctx.owner,
      repo: ctx.repo,
      comment_id: comment.id,
      content: 'eyes',
    }),
  );
  if ((reaction.status as number) !== 201) return null; // Another replica took this comment.
  await errors();
  return { answer };
}

/** A command from someone without write access on a build: refused once per person and issue. */
async function refuseCommand(
  ctx: RepoContext,
  {
    context,
    parsed,
    refusedKey,
    deps,
  }: { context: CommentContext; parsed: Parsed; refusedKey: string; deps: CommentDeps },
): Promise<void> {
  const { issue, sender } = context.payload;
  // One refusal per person per issue: a second command costs no write.
  deps.refused ??= new Set();
  if (deps.refused.size >= MAX_REFUSED) deps.refused.clear();
  deps.refused.add(refusedKey);
  const command = parsed.commands[0];
  const first = command ? commandWord(command) : (parsed.errors[0]?.line ?? '');
  await withReason('notice', () =>
    ensureNote(ctx, {
      number: issue.number,
      key: `refused-${sender.login}`,
      body: renderCommandRefusal({
        user: sender.login,
        command: first.startsWith('/') ? first : `/${first}`,
      }),
    }),
  );
}

/** What a comment's lines that are no command are told, once (a note guarded by its key). */
function replyErrors(
  ctx: RepoContext,
  { number, comment, errors }: { number: number; comment: number; errors: CommandError[] },
): Promise<unknown> {
  return withReason('notice', () =>
    ensureNote(ctx, { number, key: `reply-${comment}`, body: renderCommandErrors(errors) }),
  );
}

/**
 * Whether the repository's configuration lists change sets
 * (`changeSets.repositories`): only then may a build of its issues be a
 * change set's (docs/change-sets.md), whose commands need more than write
 * access to this repository.
 */
async function listsChangeSets(ctx: RepoContext): Promise<boolean> {
  const config = await loadConfig(ctx.octokit, { owner: ctx.owner, repo: ctx.repo });
  return config.ok && config.config.changeSets.repositories.length > 0;
}

async function readPullHead(
  ctx: RepoContext,
  number: number,
): Promise<{ ref: BuildRef; worker?: string; home?: string } | null> {
  const { data } = await ctx.octokit.rest.pulls.get({
    owner: ctx.owner,
    repo: ctx.repo,
    pull_number: number,
  });
  // A fork's branch name is whatever its author typed: its pull request belongs to no build.
  if (data.head.repo?.full_name !== data.base.repo.full_name) return null;
  const member = setOfMember(parseBatonBranch(data.head.ref)?.build);
  const found = buildOfBranch(data.head.ref) ?? buildOfBranch(data.base.ref) ?? member;
  if (!found) return null;
  const { home, ...ref } = { home: undefined, ...found };
  const worker = data.head.ref.split('/').at(-1);
  const on = home ? { home } : {};
  return worker && /^W\d+\.\d+$/.test(worker) ? { ref, worker, ...on } : { ref, ...on };
}
