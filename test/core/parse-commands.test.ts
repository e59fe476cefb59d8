import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/core/commands/command.js';
import { COMMANDS } from '../../src/core/commands/command-table.js';
import { listCommands, parseCommands } from '../../src/core/commands/parse-commands.js';

function commandsOf(body: string, worker?: string): Command[] {
  const parsed = parseCommands(body, worker ? { worker } : {});
  expect(parsed.errors).toEqual([]);
  return parsed.commands;
}

function errorOf(body: string, worker?: string): string {
  const parsed = parseCommands(body, worker ? { worker } : {});
  expect(parsed.commands).toEqual([]);
  expect(parsed.errors).toHaveLength(1);
  return parsed.errors[0]?.message ?? '';
}

describe('parseCommands', () => {
  it.each<[string, Command]>([
    ['/approve', { name: 'approve' }],
    ['/pause', { name: 'pause' }],
    ['/resume', { name: 'resume' }],
    ['/cancel', { name: 'cancel' }],
    ['/status', { name: 'status' }],
    ['/APPROVE', { name: 'approve' }],
    ['   /approve   ', { name: 'approve' }],
    ['/approve\r', { name: 'approve' }],
    ['/skip W2.1', { name: 'skip', worker: 'W2.1' }],
    ['/merge w1.3', { name: 'merge', worker: 'W1.3' }],
    ['/retry W2.1', { name: 'retry', worker: 'W2.1', instructions: '' }],
    ['/retry W0.1', { name: 'retry', worker: 'W0.1', instructions: '' }],
    [
      '/retry W2.1 use the new API,  not the old one',
      { name: 'retry', worker: 'W2.1', instructions: 'use the new API, not the old one' },
    ],
    ['/retry synthesis', { name: 'retry-synthesis' }],
    ['/retry Synthesis  ', { name: 'retry-synthesis' }],
    ['/skip follow-ups', { name: 'skip-follow-ups' }],
    ['/skip followups', { name: 'skip-follow-ups' }],
    ['/improve', { name: 'improve', loops: 1 }],
    ['/improve 3', { name: 'improve', loops: 3 }],
    ['/improve 10', { name: 'improve', loops: 10 }],
    ['/improve 2 the error messages', { name: 'improve', loops: 2 }],
    ['/improve 2 3', { name: 'improve', loops: 2 }],
    ['/replan split W2.1', { name: 'replan', feedback: 'split W2.1' }],
    ['/steer W2.1 use the new API', { name: 'steer', worker: 'W2.1', text: 'use the new API' }],
    ['/queue w1.2 add a test too', { name: 'queue', worker: 'W1.2', text: 'add a test too' }],
    ['/continue W2.1', { name: 'continue', worker: 'W2.1' }],
  ])('reads %j', (body, command) => {
    expect(commandsOf(body)).toEqual([command]);
  });

  it.each([
    'Looks good to me.',
    '/usr/bin/env node',
    '/approve.',
    '/approve!',
    'Please /approve',
    '- /approve',
    '/re-plan this',
    '/ approve',
    '/',
  ])('does not read %j as a command', (body) => {
    expect(parseCommands(body)).toEqual({ commands: [], errors: [] });
  });

  it.each([
    ['a backtick fence', '```\n/approve\n```'],
    ['a tilde fence', '~~~\n/approve\n~~~'],
    ['a fence with an info string', '```sh\n/approve\n```'],
    ['a longer fence that a shorter one does not close', '````\n```\n/approve\n````'],
    ['an indented fence', '  ```\n/approve\n  ```'],
    ['an unclosed fence', 'text\n```\n/approve'],
    ['indented code', '    /approve'],
    ['tab-indented code', '\t/approve'],
    ['a quote', '> /approve'],
    ['an indented quote', '  > /approve'],
    ['a quoted fence', '> ```\n> /x\n> ```\n> /approve'],
    ['an HTML comment', '<!--\n/approve\n-->'],
    ['an HTML comment opened after some text', 'note <!--\n/cancel\n-->'],
    ['an HTML comment opened after one that closed', '<!-- a --> <!--\n/cancel\n-->'],
    ['an HTML comment that closes and opens again', '<!--\nx --> y <!--\n/cancel\n-->'],
  ])('ignores a command inside %s', (_name, body) => {
    expect(parseCommands(body)).toEqual({ commands: [], errors: [] });
  });

  it.each([
    ['after a fence closes', '```\ncode\n```\n/approve'],
    ['after a tilde fence closes', '~~~~\n```\n~~~~\n/approve'],
    ['after an HTML comment closes', '<!--\nnote\n-->\n/approve'],
    ['after a one-line HTML comment', '<!-- note -->\n/approve'],
    ['after text with a one-line HTML comment', 'note <!-- aside -->\n/approve'],
    ['after inline code with backticks', '``` not a fence ` here\n/approve'],
  ])('reads a command %s', (_name, body) => {
    expect(commandsOf(body)).toEqual([{ name: 'approve' }]);
  });

  it('takes the following lines as a message, up to the next command', () => {
    expect(
      commandsOf('/steer W2.1 stop here.\nUse `fetch`, not axios.\n/queue W2.1 then tidy up'),
    ).toEqual([
      { name: 'steer', worker: 'W2.1', text: 'stop here.\nUse `fetch`, not axios.' },
      { name: 'queue', worker: 'W2.1', text: 'then tidy up' },
    ]);
  });

  it('on a worker PR, takes a message without a worker id as the PR worker’s', () => {
    expect(commandsOf('/steer use the new API', 'W1.2')).toEqual([
      { name: 'steer', worker: 'W1.2', text: 'use the new API' },
    ]);
    expect(commandsOf('/continue', 'W1.2')).toEqual([{ name: 'continue', worker: 'W1.2' }]);
    expect(commandsOf('/queue W2.1 for the other one', 'W1.2')).toEqual([
      { name: 'queue', worker: 'W2.1', text: 'for the other one' },
    ]);
  });

  it.each([
    ['/steer', undefined, '/steer needs a worker id: `/steer W2.1 <message>`, then your message.'],
    [
      '/steer W2.1',
      undefined,
      '/steer needs a message after the worker id: `/steer W2.1 use the new API`.',
    ],
    [
      '/queue W2 add tests',
      undefined,
      '`W2` is not a worker id: worker ids look like W2.1, e.g. `/queue W2.1 <message>`.',
    ],
    ['/continue', undefined, '/continue needs a worker id: `/continue W2.1`.'],
    [
      '/continue W2.1 and hurry',
      undefined,
      '/continue takes only a worker id: `/continue W2.1`. To tell its session something, write `/queue W2.1 <message>` first.',
    ],
    [
      '/continue please',
      'W1.2',
      '/continue takes only a worker id: `/continue W1.2`. To tell its session something, write `/queue W1.2 <message>` first.',
    ],
  ])('answers %j with how to write it', (body, worker, message) => {
    expect(errorOf(body, worker)).toBe(message);
  });

  it('takes the following lines as /replan feedback, up to the next command', () => {
    const body =
      'Thanks.\n/replan split W2.1\ninto API and UI.\n\n```\ncode /approve\n```\n/status\nlater';
    expect(commandsOf(body)).toEqual([
      { name: 'replan', feedback: 'split W2.1\ninto API and UI.\n\n```\ncode /approve\n```' },
      { name: 'status' },
    ]);
  });

  it('takes feedback that starts on the next line', () => {
    expect(commandsOf('/replan\n\nUse one worker per package.\n')).toEqual([
      { name: 'replan', feedback: 'Use one worker per package.' },
    ]);
  });

  it('returns several commands in order', () => {
    expect(commandsOf('/skip W1.1\n/retry W1.2 smaller steps\n/approve')).toEqual([
      { name: 'skip', worker: 'W1.1' },
      { name: 'retry', worker: 'W1.2', instructions: 'smaller steps' },
      { name: 'approve' },
    ]);
  });

  it.each<[string, Command]>([
    ['/skip', { name: 'skip', worker: 'W1.2' }],
    ['/merge', { name: 'merge', worker: 'W1.2' }],
    ['/retry', { name: 'retry', worker: 'W1.2', instructions: '' }],
    [
      '/retry keep the old API',
      { name: 'retry', worker: 'W1.2', instructions: 'keep the old API' },
    ],
    ['/retry W2.1 keep it', { name: 'retry', worker: 'W2.1', instructions: 'keep it' }],
    ['/skip W2.1', { name: 'skip', worker: 'W2.1' }],
    // `synthesis` names the build's synthesis, never instructions for the PR's worker.
    ['/retry synthesis', { name: 'retry-synthesis' }],
  ])('on a worker PR, fills the worker of %j', (body, command) => {
    expect(commandsOf(body, 'W1.2')).toEqual([command]);
  });

  it.each([
    ['/skip', '/skip needs a worker id: `/skip W2.1`.'],
    ['/merge', '/merge needs a worker id: `/merge W2.1`.'],
    ['/retry', '/retry needs a worker id: `/retry W2.1`, optionally followed by instructions.'],
    [
      '/retry it again',
      '/retry needs a worker id: `/retry W2.1`, optionally followed by instructions.',
    ],
    ['/skip W2', '`W2` is not a worker id: worker ids look like W2.1, e.g. `/skip W2.1`.'],
    ['/merge foo', '`foo` is not a worker id: worker ids look like W2.1, e.g. `/merge W2.1`.'],
    [
      '/retry W0.0',
      '`W0.0` is not a worker id: worker ids look like W2.1, e.g. `/retry W2.1 [engine=codex] [instructions]`.',
    ],
    [
      '/retry 2.1 again',
      '`2.1` is not a worker id: worker ids look like W2.1, e.g. `/retry W2.1 [engine=codex] [instructions]`.',
    ],
    [
      '/retry synthesis with more sources',
      '/retry synthesis takes nothing after it: write `/retry synthesis` alone on its line (the synthesis reads the plan and the findings again). To retry a worker with instructions, name it: `/retry W2.1 <instructions>`.',
    ],
    ['/skip W2.1 W2.2', '/skip takes only a worker id: `/skip W2.1`.'],
    [
      '/skip follow-ups please',
      '/skip follow-ups takes nothing after it: write `/skip follow-ups` alone on its line.',
    ],
    ['/approve please', '/approve takes nothing after it: write `/approve` alone on its line.'],
    ['/status now', '/status takes nothing after it: write `/status` alone on its line.'],
    [
      '/replan',
      '/replan needs feedback: describe what should change, e.g. `/replan split W2.1 into an API worker and a UI worker`.',
    ],
    [
      '/replan   \n\n/approve',
      '/replan needs feedback: describe what should change, e.g. `/replan split W2.1 into an API worker and a UI worker`.',
    ],
    [
      '/improve 0',
      '/improve takes a number of loops from 1 to 10 first, then an optional focus: `/improve 3 the error messages`.',
    ],
    [
      '/improve 11',
      '/improve takes a number of loops from 1 to 10 first, then an optional focus: `/improve 3 the error messages`.',
    ],
    [
      '/improve two',
      '/improve takes a number of loops from 1 to 10 first, then an optional focus: `/improve 3 the error messages`.',
    ],
    [
      '/improve the error messages',
      '/improve takes a number of loops from 1 to 10 first, then an optional focus: `/improve 3 the error messages`.',
    ],
    [
      '/improve 2.5',
      '/improve takes a number of loops from 1 to 10 first, then an optional focus: `/improve 3 the error messages`.',
    ],
  ])('explains how to write %j', (body, message) => {
    const parsed = parseCommands(body);
    expect(parsed.errors[0]).toEqual({ line: body.split('\n')[0]?.trim(), message });
  });

  it('on a worker PR, still refuses a malformed worker id', () => {
    expect(errorOf('/skip W2', 'W1.2')).toBe(
      '`W2` is not a worker id: worker ids look like W2.1, e.g. `/skip W2.1`.',
    );
  });

  it('lists the known commands for an unknown one', () => {
    expect(errorOf('/aprove')).toBe(
      `\`/aprove\` is not a Baton command. The commands are: ${listCommands()}.`,
    );
    // Every command of the table, in its order, as it is written.
    expect(listCommands()).toBe(
      Object.values(COMMANDS)
        .map(({ usage }) => `\`${usage}\``)
        .join(', '),
    );
    expect(listCommands()).toContain(
      '`/retry W2.1 [engine=codex] [instructions]`, `/retry synthesis`, `/skip W2.1`',
    );
  });

  it('keeps good commands beside bad ones', () => {
    expect(parseCommands('/approve\n/skip\n/cc @alice')).toEqual({
      commands: [{ name: 'approve' }],
      errors: [
        { line: '/skip', message: '/skip needs a worker id: `/skip W2.1`.' },
        { line: '/cc @alice', message: expect.stringContaining('`/cc` is not a Baton command.') },
      ],
    });
  });
});
