import { code } from '../vocabulary/markdown.js';
import type { CommandError } from './command.js';
import { listCommands } from './parse-commands.js';

/** Hidden in every reply, so Baton never reads its own replies as commands. */
export const BATON_REPLY_MARKER = '<!-- baton:reply -->';

/** The longest part of a user's line quoted back in a reply. */
const QUOTE_MAX = 100;

/** Whether a comment is one of Baton's own: status, reply or any other `<!-- baton:` marker. */
export function isBatonComment(body: string): boolean {
  return body.includes('<!-- baton:');
}

/** `@login`, with anything a login cannot hold dropped (bots are `name[bot]`). */
function mention(user: string): string {
  return `@${user.replace(/[^\w[\]-]/g, '')}`;
}

function reply(lines: string[]): string {
  return [BATON_REPLY_MARKER, ...lines].join('\n').concat('\n');
}

/** To someone without write access who added the build label: nothing starts. */
export function renderLabelRefusal({ user, label }: { user: string; label: string }): string {
  return reply([
    `Thanks, ${mention(user)}. Baton starts a build only when someone with write access adds the ${code(label)} label, so nothing has started.`,
    '',
    'A maintainer can add the label to start it.',
  ]);
}

/**
 * The note someone without write access who added a build label is told, once (by its
 * key): the same for a label's delivery and for the resync that heals a lost one.
 */
export function labelRefusal(login: string, label: string): { key: string; body: string } {
  return { key: `label-refused-${login}`, body: renderLabelRefusal({ user: login, label }) };
}

/**
 * The note someone without write access who moved an issue's project item to
 * the door's value is told, once on the issue (by its key): nothing starts.
 */
export function projectRefusal(
  login: string,
  { field, value }: { field: string; value: string },
): { key: string; body: string } {
  return {
    key: `project-refused-${login}`,
    body: reply([
      `Thanks, ${mention(login)}. Baton starts a build only when someone with write access sets this issue's ${code(field)} to ${code(value)} on a project, so nothing has started.`,
      '',
      'A maintainer can set it to start one.',
    ]),
  };
}

/** To someone without write, maintain or admin permission who wrote a command. */
export function renderCommandRefusal({ user, command }: { user: string; command: string }): string {
  return reply([
    `Sorry, ${mention(user)}: Baton takes commands only from people with write, maintain or admin permission on this repository, so ${code(truncate(command))} was not run.`,
    '',
    'A maintainer can run it for you. Baton answers this once on this issue: your later commands here get no reply.',
  ]);
}

/**
 * To someone whose comment held lines that looked like commands but were not
 * right. Each `message` is markdown written by Baton (user text in code spans).
 */
export function renderCommandErrors(errors: CommandError[]): string {
  const commands = listCommands();
  // An unknown command's message already lists them all.
  const listed = errors.some((error) => error.message.includes(commands));
  return reply([
    errors.length === 1
      ? 'Baton could not run this command:'
      : 'Baton could not run these commands:',
    '',
    ...errors.map((error) => `- ${code(truncate(error.line))}: ${error.message}`),
    ...(listed ? [] : ['', `Commands: ${commands}.`]),
    '',
    "On a worker's pull request the worker id may be left out.",
  ]);
}

function truncate(line: string): string {
  return line.length > QUOTE_MAX ? `${line.slice(0, QUOTE_MAX - 1)}…` : line;
}
