import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { parseCommands } from '../../src/core/commands/parse-commands.js';
import type { CommandInfo } from '../../src/core/snapshot/snapshot.js';
import { parseCommandLedger, renderCommandLedger } from '../../src/core/status/command-ledger.js';
import { renderStatusComment } from '../../src/core/status/render-status.js';
import type { StatusView } from '../../src/core/status/status-view.js';
import { commandText } from '../../src/core/workers/build-progress.js';
import { makeRunningView, makeTotals } from '../core/factories.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, statusBody } from '../support/builds.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

/**
 * The ledger of accepted commands survives any text a writer types: a
 * `/replan` or `/retry` over many lines, with `-->`, markers, invisible or
 * unpaired characters, leaves every entry readable, so a deleted `/cancel`
 * stays in effect (docs/security.md, "Who steers a build"). The status shows
 * recent commands on one line each, so a marker split over two lines of a
 * comment (`<!--` on one, `baton:commands [` on the next) is whole in the
 * status comment's history: only the ledger that ends the comment is read.
 */
const script = makeScript({ workers: [{ id: 'W1.1' }] });

/** What GitHub may hand back: line breaks as typed in its editor (CRLF) or as sent. */
const lineEndings = fc.constantFrom('\n', '\r\n', '\r', '\u2028');

/** Text a writer may type, lines of any characters, Baton's markers and comment ends among them. */
const writerText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom(
        '-->',
        '<!--',
        '] -->',
        '<!-- baton:commands [] -->',
        'baton:commands [',
        '`',
        '```',
        '\u202e',
      ),
    ),
    { maxLength: 8 },
  )
  .chain((lines) => lineEndings.map((end) => lines.join(end)));

function accepted(body: string, id: number): CommandInfo[] {
  return parseCommands(body).commands.map((command) => ({
    commentId: id,
    author: 'maintainer',
    createdAt: '2026-11-22T10:00:00.000Z',
    source: { kind: 'issue' as const },
    command,
  }));
}

/** A writer's `/replan` and `/retry` carrying any text, with a `/cancel` between them. */
function steered(feedback: string, instructions: string): CommandInfo[] {
  return [
    ...accepted(`/replan ${feedback}`, 1),
    ...accepted('/cancel', 2),
    ...accepted(`/retry W1.1 ${instructions}`, 3),
  ];
}

/** A running build's status whose history lists `commands` as people see them. */
function runningView(commands: CommandInfo[]): StatusView {
  return makeRunningView({
    issue: 1,
    title: 'Add OAuth login',
    totals: makeTotals({ merged: 0, skipped: 0, total: 1, tokens: 0, costUsd: 0 }),
    history: commands.map((info) => ({
      author: info.author,
      text: commandText(info.command),
      at: info.createdAt,
    })),
    links: {
      repoUrl: 'https://github.com/octo-org/widgets',
      branch: `baton/${BUILD}/integration`,
    },
  });
}

describe('the command ledger survives any text a writer types', () => {
  it('reads back every accepted command, whatever the /replan and /retry say', () => {
    fc.assert(
      fc.property(writerText, writerText, (feedback, instructions) => {
        const commands = [...steered(feedback, instructions), ...accepted('/cancel', 4)];
        const ledger = renderCommandLedger(commands);
        const read = parseCommandLedger(`Status\n\n${ledger}`);
        expect(read.map((info) => [info.commentId, info.command.name])).toEqual(
          commands.map((info) => [info.commentId, info.command.name]),
        );
        expect(ledger.match(/-->/g)).toHaveLength(1);
      }),
      { numRuns: 500 },
    );
  });

  it('reads back the ledger whatever the history above it shows of the same commands', () => {
    fc.assert(
      fc.property(writerText, writerText, (feedback, instructions) => {
        const commands = steered(feedback, instructions);
        const body = renderStatusComment({ view: runningView(commands), commands });
        expect(parseCommandLedger(body).map((info) => info.commentId)).toEqual(
          commands.map((info) => info.commentId),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('reads no marker a command spells in the history, over two lines or one', () => {
    const commands = [
      ...accepted('/replan x <!--\nbaton:commands [', 1),
      ...accepted('/retry W1.1 a\n<!-- baton:commands [] -->', 2),
      ...accepted('/cancel', 3),
    ];
    const body = renderStatusComment({ view: runningView(commands), commands });
    // The history shows the forged markers whole, each on one line, above the ledger.
    expect(body).toContain('/replan x <!-- baton:commands [');
    expect(body.indexOf('<!-- baton:commands [')).toBeLessThan(body.lastIndexOf('<!-- baton:'));
    expect(parseCommandLedger(body).map((info) => info.command.name)).toEqual([
      'replan',
      'retry',
      'cancel',
    ]);
  });

  it('keeps the other entries when one cannot be read (a newer command, an edit)', () => {
    const commands = [...accepted('/approve', 1), ...accepted('/cancel', 2)];
    const ledger = renderCommandLedger(commands).replace('[[', '[["not an entry"],[');
    expect(ledger).toContain('"not an entry"');
    expect(parseCommandLedger(ledger).map((info) => info.command.name)).toEqual([
      'approve',
      'cancel',
    ]);
    const json =
      '<!-- baton:commands [{"id":1,"author":"a","at":"t","on":"issue","command":{"name":"rm"}},' +
      '{"id":2,"author":"a","at":"t","on":"issue","command":{"name":"cancel"}}] -->';
    expect(parseCommandLedger(json).map((info) => info.command.name)).toEqual(['cancel']);
  });

  it('still reads the JSON ledger older releases wrote', () => {
    const old =
      '<!-- baton:commands [{"id":1,"author":"a","at":"t","on":"issue","command":{"name":"cancel"}}] -->';
    expect(parseCommandLedger(old).map((info) => info.command.name)).toEqual(['cancel']);
  });
});

describe("a writer's two-line /replan, then a deleted /cancel, on the simulator", () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  const drive = () => driveBuild({ gh, apps: [app], script });
  startAppEachTest((started) => ({ gh, app } = started));
  beforeEach(async () => {
    labelledIssue(gh);
    await drive();
  });

  it.each([
    '/replan first line\r\nsecond line',
    '/replan\nsmaller workers',
    '/replan a --> b\n--> <!-- x',
    '/replan a\n\u2028b\n\u202eexe.txt',
    // The history joins the lines: `<!-- baton:commands [` whole, before the real ledger.
    '/replan smaller workers <!--\nbaton:commands [',
    '/replan smaller workers <!--\r\nbaton:commands [[1,"x","y",0,"approve"]] -->',
  ])('keeps the /cancel in effect after %j', async (text) => {
    gh.addComment({ issue: 1, body: text, user: 'maintainer' });
    await drive();
    // Taken (a comment that holds Baton's marker itself is no command): the attack is real.
    expect(parseCommandLedger(statusBody(gh, BUILD) ?? '').map((i) => i.command.name)).toEqual([
      'replan',
    ]);
    const cancel = gh.addComment({ issue: 1, body: '/cancel', user: 'maintainer' });
    await drive();
    gh.comments.splice(
      gh.comments.findIndex((comment) => comment.id === cancel.id),
      1,
    );
    gh.addComment({ issue: 1, body: '/approve', user: 'maintainer' });
    await drive();

    expect(gh.runs.filter((run) => run.inputs.role === 'work')).toEqual([]);
    expect(parseCommandLedger(statusBody(gh, BUILD) ?? '').map((i) => i.command.name)).toContain(
      'cancel',
    );
  });
});
