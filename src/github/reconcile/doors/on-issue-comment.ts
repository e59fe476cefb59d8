import type { Context } from 'probot';
import type { AuditEvent } from '../../../core/audit/audit-event.js';
import { commandEvent, refusalEvent } from '../../../core/audit/audit-trail.js';
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
import { ensureNote, type PostedNote } from '../../act/ensure-note.js';
import { giveEyes } from '../../act/take-comments.js';
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
  const heard = deps.onAudit ? { ref: found, onAudit: deps.onAudit } : null;
  if (!(await hasWriteAccess(ctx, sender.login))) {
    await refuseCommand(ctx, { context, parsed, refusedKey, deps, heard });
    return;
  }
  const taken = await takeComment(ctx, { context, parsed, onIssue: !pull, heard });
  if (!taken || parsed.commands.length === 0) return;
  if (!taken.answer.awaiting) heardTaken({ context, parsed, worker, heard });
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
  {
    context,
    parsed,
    onIssue,
    heard = null,
  }: { context: CommentContext; parsed: Parsed; onIssue: boolean; heard?: Heard | null },
): Promise<{ answer: CommandAnswer } | null> {
  const { comment, issue, sender } = context.payload;
  const answer = { commentId: comment.id, number: issue.number, commands: parsed.commands };
  const errors = async () => {
    if (parsed.errors.length === 0) return;
    const key = `reply-${comment.id}`;
    const posted = await replyErrors(ctx, { key, number: issue.number, errors: parsed.errors });
    heardNote({ context, heard, posted: posted && { key, number: issue.number, ...posted } });
  };
  if (onIssue && parsed.commands.length > 0 && (await listsChangeSets(ctx))) {
    await errors();
    const awaiting = { author: sender.login, createdAt: comment.created_at };
    return { answer: { ...answer, awaiting } };
  }
  if (!(await giveEyes(ctx, comment.id))) return null; // Another replica took this comment.
  await errors();
  return { answer };
}

/** What a refusal is of: the comment, its author's key on this issue, where it is heard. */
interface Refusal {
  context: CommentContext;
  parsed: Parsed;
  refusedKey: string;
  deps: CommentDeps;
  heard: Heard | null;
}

/** A command from someone without write access on a build: refused once per person and issue. */
async function refuseCommand(ctx: RepoContext, refusal: Refusal): Promise<void> {
  const { context, parsed, refusedKey, deps, heard } = refusal;
  const { issue, sender } = context.payload;
  const command = parsed.commands[0];
  const first = command ? commandWord(command) : (parsed.errors[0]?.line ?? '');
  const key = `refused-${sender.login}`;
  const posted = await withReason('notice', () =>
    ensureNote(ctx, {
      number: issue.number,
      key,
      body: renderCommandRefusal({
        user: sender.login,
        command: first.startsWith('/') ? first : `/${first}`,
      }),
    }),
  );
  // One refusal per person per issue: a second command costs no write. Remembered once the
  // refusal stands, so a refusal GitHub failed to take is made at that person's next command.
  deps.refused ??= new Set();
  if (deps.refused.size >= MAX_REFUSED) deps.refused.clear();
  deps.refused.add(refusedKey);
  heardNote({ context, heard, posted: posted && { key, number: issue.number, ...posted } });
}

/** What a comment's lines that are no command are told, once (a note guarded by its key). */
function replyErrors(
  ctx: RepoContext,
  { key, number, errors }: { key: string; number: number; errors: CommandError[] },
): Promise<PostedNote | null> {
  return withReason('notice', () =>
    ensureNote(ctx, { number, key, body: renderCommandErrors(errors) }),
  );
}

/** The audit stream's ear on a comment of a build's (`onAudit`): the build it is on. */
interface Heard {
  ref: BuildRef;
  onAudit: (events: readonly AuditEvent[]) => void;
}

/** The build's issue, where a person opens it. */
function issueUrlOf(context: CommentContext, ref: BuildRef): string {
  return `${context.payload.repository.html_url}/issues/${ref.issue}`;
}

/** The comment's commands, just taken by this process's 👀, told to the audit stream. */
function heardTaken({
  context,
  parsed,
  worker,
  heard,
}: {
  context: CommentContext;
  parsed: Parsed;
  worker: string | undefined;
  heard: Heard | null;
}): void {
  if (!heard) return;
  const { comment, issue, sender, repository } = context.payload;
  const source = issue.pull_request
    ? { kind: 'pull' as const, number: issue.number, worker: worker ?? '' }
    : { kind: 'issue' as const };
  const events = parsed.commands.map((command) =>
    commandEvent({
      repository: repository.full_name,
      build: heard.ref.build,
      issueUrl: issueUrlOf(context, heard.ref),
      info: {
        commentId: comment.id,
        author: sender.login,
        createdAt: comment.created_at,
        source,
        command,
      },
    }),
  );
  heard.onAudit(events);
}

/** A refusal's note, just posted by this process, told to the audit stream. */
function heardNote({
  context,
  heard,
  posted,
}: {
  context: CommentContext;
  heard: Heard | null;
  posted: (PostedNote & { key: string; number: number }) | null;
}): void {
  if (!heard || !posted) return;
  const event = refusalEvent({ issueUrl: issueUrlOf(context, heard.ref), posted });
  if (event)
    heard.onAudit([
      { repository: context.payload.repository.full_name, build: heard.ref.build, ...event },
    ]);
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
