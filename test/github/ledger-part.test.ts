import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { BuildSnapshot, CommandInfo } from '../../src/core/snapshot/snapshot.js';
import { renderCommandLedger } from '../../src/core/status/command-ledger.js';
import {
  findLedgerPart,
  LEDGER_KEEP_CHARS,
  ledgerPartsOwed,
} from '../../src/core/status/ledger-archive.js';
import { type ActLog, act } from '../../src/github/act/act.js';
import { ledgerPartLockRef } from '../../src/github/act/ensure-ledger-part.js';
import type { RepoContext } from '../../src/github/client/types.js';
import { collectComments, type PlainComment } from '../../src/github/observe/read-comments.js';
import { BUILD, makeCommand, makeSnapshot } from '../core/factories.js';
import { mountReaderEachTest } from '../support/app-tests.js';
import { repoContextOn } from '../support/mount-nock.js';

const quiet: ActLog = { info: () => {}, warn: () => {}, error: () => {} };

/** `count` accepted commands with words, oldest first, `perComment` to a comment. */
function accepted(count: number, perComment = 1): CommandInfo[] {
  return Array.from({ length: count }, (_, i) => {
    const comment = Math.floor(i / perComment);
    return makeCommand(
      { name: 'retry', worker: `W1.${(i % perComment) + 1}`, instructions: 'w'.repeat(300) },
      {
        commentId: 5_000_000 + comment,
        createdAt: new Date(Date.UTC(2026, 10, 1, 0, 0, comment)).toISOString(),
      },
    );
  });
}

/** Each command as the next reconcile counts it: its comment, and what it asks of which worker. */
const entries = (commands: CommandInfo[]) =>
  commands.map(
    ({ commentId, command }) =>
      `${commentId} ${command.name} ${'worker' in command ? command.worker : ''}`,
  );

/** What the next reconcile reads back from the issue's comments (Baton's own only). */
async function readBack(gh: FakeGitHub, ctx: RepoContext, issue: number) {
  const comments: PlainComment[] = gh.comments
    .filter((comment) => comment.issue === issue)
    .map((comment) => ({
      id: comment.id,
      body: comment.body,
      author: comment.user.login,
      isBot: comment.user.type === 'Bot',
      createdAt: comment.createdAt,
      updatedAt: comment.updatedAt,
      accepted: false,
    }));
  return collectComments(ctx, {
    build: BUILD,
    lists: [{ source: { number: issue, source: { kind: 'issue' } }, comments }],
  });
}

/** The snapshot with the issue's comments read back: the status comment, the ledger parts, the commands. */
async function withReadBack(
  gh: FakeGitHub,
  ctx: RepoContext,
  snapshot: BuildSnapshot,
): Promise<BuildSnapshot> {
  const read = await readBack(gh, ctx, snapshot.issue.number);
  return {
    ...snapshot,
    statusComment: read.statusComment,
    ...(read.ledgerParts ? { ledgerParts: read.ledgerParts } : {}),
    commands: read.commands,
  };
}

async function renderOnce(ctx: RepoContext, snapshot: BuildSnapshot) {
  const [outcome] = await act(ctx, {
    snapshot,
    actions: [
      {
        kind: 'render-status',
        view: { phase: 'planning', build: BUILD, run: null, replan: false },
      },
    ],
    log: quiet,
  });
  return outcome;
}

describe('a ledger that outgrows the status comment moves into ledger parts, never cut', () => {
  let gh: FakeGitHub;
  let ctx: RepoContext;
  mountReaderEachTest((mounted) => ({ gh, ctx } = mounted), { context: repoContextOn });

  it('keeps 1,000 accepted commands across the status comment and its parts, each under 65,536 characters', async () => {
    const issue = gh.openIssue({ title: 'Add login' });
    const sha = gh.git.resolve('main') ?? '';
    const commands = accepted(1_000);
    let snapshot = makeSnapshot({
      issue: { ...makeSnapshot().issue, number: issue },
      integration: { sha, containsDefault: true },
      commands,
    });
    // Reconcile until nothing moves: each pass may post one part.
    for (let pass = 0; pass < 6; pass++) {
      const outcome = await renderOnce(ctx, snapshot);
      expect(outcome?.result).not.toBe('failed');
      snapshot = await withReadBack(gh, ctx, snapshot);
    }
    const refused = gh.log.filter(
      (entry) => entry.status === 422 && entry.route.includes('comments'),
    );
    expect(refused).toEqual([]);
    const bodies = gh.comments.filter((comment) => comment.issue === issue).map((c) => c.body);
    expect(bodies.every((body) => body.length <= 65_536)).toBe(true);
    const parts = bodies.map(findLedgerPart).filter((part) => part !== null);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(parts.map((part) => part.part)).size).toBe(parts.length);
    expect(snapshot.commands.map((info) => info.commentId)).toEqual(
      commands.map((info) => info.commentId),
    );
  });

  it('keeps every command of a comment that carries several, a comment never split between two parts', async () => {
    const issue = gh.openIssue({ title: 'Add login' });
    const sha = gh.git.resolve('main') ?? '';
    const commands = accepted(600, 3);
    let snapshot = makeSnapshot({
      issue: { ...makeSnapshot().issue, number: issue },
      integration: { sha, containsDefault: true },
      commands,
    });
    for (let pass = 0; pass < 6; pass++) {
      await renderOnce(ctx, snapshot);
      snapshot = await withReadBack(gh, ctx, snapshot);
      expect(entries(snapshot.commands)).toEqual(entries(commands));
    }
    const bodies = gh.comments.filter((comment) => comment.issue === issue).map((c) => c.body);
    expect(bodies.map(findLedgerPart).filter((part) => part !== null).length).toBeGreaterThan(0);
  });

  it('a replica that loses a part’s lock posts no part and keeps every entry in the status comment', async () => {
    const issue = gh.openIssue({ title: 'Add login' });
    const sha = gh.git.resolve('main') ?? '';
    gh.git.refs.set(ledgerPartLockRef(BUILD, 1), sha);
    const commands = accepted(200);
    await renderOnce(
      ctx,
      makeSnapshot({
        issue: { ...makeSnapshot().issue, number: issue },
        integration: { sha, containsDefault: true },
        commands,
      }),
    );
    const bodies = gh.comments.filter((comment) => comment.issue === issue).map((c) => c.body);
    expect(bodies.map(findLedgerPart)).toEqual([null]);
    const read = await readBack(gh, ctx, issue);
    expect(read.commands.map((info) => info.commentId)).toEqual(
      commands.map((info) => info.commentId),
    );
  });

  it('reads no part written by anyone but Baton', async () => {
    const issue = gh.openIssue({ title: 'Add login' });
    gh.addComment({
      issue,
      user: 'mallory',
      body: `<!-- baton:ledger build=${BUILD} part=1 -->\n<!-- baton:commands [[1,"mallory","2026-01-01T00:00:00Z",0,"cancel"]] -->`,
    });
    const read = await readBack(gh, ctx, issue);
    expect(read.commands).toEqual([]);
    expect(read.ledgerParts).toBeUndefined();
  });
});

describe('ledgerPartsOwed: the parts a ledger needs, worked out before any is posted', () => {
  it('numbers them after the last part posted, keeps what fits, and says when a taken part leaves too much', () => {
    const commands = accepted(1_000);
    const { parts, kept } = ledgerPartsOwed({
      build: BUILD,
      commands,
      ledgerParts: { last: 2, commandIds: [] },
    });
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.map((part) => findLedgerPart(part.body)?.part)).toEqual(
      parts.map((_, index) => index + 3),
    );
    // 1,000 entries do not fit the status comment while the first part is another's to post.
    expect(parts[0]?.whileTaken).toBeNull();
    expect(renderCommandLedger(kept).length).toBeLessThanOrEqual(LEDGER_KEEP_CHARS);
    expect(kept).toEqual(commands.slice(commands.length - kept.length));
  });

  it('owes no part while the ledger fits, counting none already in a part', () => {
    const commands = accepted(1_000);
    const archived = commands.slice(0, 950).map((info) => info.commentId);
    const owed = ledgerPartsOwed({
      build: BUILD,
      commands,
      ledgerParts: { last: 4, commandIds: archived },
    });
    expect(owed).toEqual({ parts: [], kept: commands.slice(950) });
  });
});
