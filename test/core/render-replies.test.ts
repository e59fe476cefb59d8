import { describe, expect, it } from 'vitest';
import { listCommands, parseCommands } from '../../src/core/commands/parse-commands.js';
import {
  BATON_REPLY_MARKER,
  isBatonComment,
  renderCommandErrors,
  renderCommandRefusal,
  renderLabelRefusal,
} from '../../src/core/commands/render-replies.js';
import { renderStatus } from '../../src/core/status/render-status.js';

/** A reply with the list of commands (every one of the table, `listCommands`) named short, once. */
function withListShort(reply: string): string {
  expect(reply.split(listCommands())).toHaveLength(2);
  return reply.replace(listCommands(), '<the commands of the table>');
}

describe('replies', () => {
  it('refuses a label added without write access', () => {
    expect(renderLabelRefusal({ user: 'mallory', label: 'orchestrate' })).toMatchInlineSnapshot(`
      "<!-- baton:reply -->
      Thanks, @mallory. Baton starts a build only when someone with write access adds the \`orchestrate\` label, so nothing has started.

      A maintainer can add the label to start it.
      "
    `);
  });

  it('refuses a command from someone without write access', () => {
    expect(
      renderCommandRefusal({ user: 'dependabot[bot]', command: '/approve' }),
    ).toMatchInlineSnapshot(`
      "<!-- baton:reply -->
      Sorry, @dependabot[bot]: Baton takes commands only from people with write, maintain or admin permission on this repository, so \`/approve\` was not run.

      A maintainer can run it for you. Baton answers this once on this issue: your later commands here get no reply.
      "
    `);
  });

  it('explains one bad command and lists the commands', () => {
    const { errors } = parseCommands('/skip');
    expect(withListShort(renderCommandErrors(errors))).toMatchInlineSnapshot(`
      "<!-- baton:reply -->
      Baton could not run this command:

      - \`/skip\`: /skip needs a worker id: \`/skip W2.1\`.

      Commands: <the commands of the table>.

      On a worker's pull request the worker id may be left out.
      "
    `);
  });

  it('explains several bad commands without listing the commands twice', () => {
    const { errors } = parseCommands(`/aprove\n/improve 20\n/retry W2 ${'x'.repeat(120)}`);
    expect(withListShort(renderCommandErrors(errors))).toMatchInlineSnapshot(`
      "<!-- baton:reply -->
      Baton could not run these commands:

      - \`/aprove\`: \`/aprove\` is not a Baton command. The commands are: <the commands of the table>.
      - \`/improve 20\`: /improve takes a number of loops from 1 to 10 first, then an optional focus: \`/improve 3 the error messages\`.
      - \`/retry W2 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\`: \`W2\` is not a worker id: worker ids look like W2.1, e.g. \`/retry W2.1 [engine=codex] [instructions]\`.

      On a worker's pull request the worker id may be left out.
      "
    `);
  });

  it('keeps what a user wrote inert: logins trimmed, the rest in code spans', () => {
    const label = renderLabelRefusal({ user: 'eve --> @x', label: 'a`b' });
    expect(label).toContain('Thanks, @eve--x.');
    expect(label).toContain('the ``a`b`` label');
    const command = renderCommandRefusal({ user: 'eve', command: '/x <!-- y' });
    expect(command).toContain('so `/x <!-- y` was not run');
  });

  it.each([
    renderLabelRefusal({ user: 'a', label: 'l' }),
    renderCommandRefusal({ user: 'a', command: '/approve' }),
    renderCommandErrors([{ line: '/x', message: 'no' }]),
  ])('marks every reply as Baton’s own (%#)', (body) => {
    expect(body.startsWith(`${BATON_REPLY_MARKER}\n`)).toBe(true);
    expect(isBatonComment(body)).toBe(true);
    expect(parseCommands(body)).toEqual({ commands: [], errors: [] });
  });
});

describe('isBatonComment', () => {
  it.each([
    [
      'a status comment',
      renderStatus({ phase: 'planning', build: '1-x', run: null, replan: false }),
      true,
    ],
    ['a reply', `${BATON_REPLY_MARKER}\nHello`, true],
    ['any other Baton marker', 'Review\n<!-- baton:verdict approve -->', true],
    ['a person’s command', '/approve', false],
    ['an ordinary HTML comment', '<!-- template -->\n/approve', false],
  ])('tells %s', (_name, body, expected) => {
    expect(isBatonComment(body)).toBe(expected);
  });
});
