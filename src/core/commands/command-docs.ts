/**
 * docs/usage.md's list of commands, written from the table
 * (`command-table.ts`): `npm run docs:commands` puts it between its markers,
 * and a test holds the committed list equal to it.
 */
import { code } from '../vocabulary/markdown.js';
import { COMMAND_NAMES, type InSet, specOf, type Writers } from './command-table.js';

/** The line before the list in docs/usage.md. */
export const LIST_START =
  '<!-- commands: written from src/core/commands/command-table.ts by `npm run docs:commands` -->';
/** The line after it. */
export const LIST_END = '<!-- /commands -->';

/** Who may give a command on a change set's issue, by its table entry's `writers`. */
const WHO: Record<Writers, string> = {
  worker: "a writer of the worker's repository",
  plan: 'a writer of every repository the plan touches (before a plan, every one the set may plan across)',
  listed: 'a writer of every repository the set may plan across',
  home: "a writer of the issue's repository",
};

/** Where it acts, by its table entry's `inSet`, when that narrows who counts. */
function where(writers: Writers, inSet: InSet): string {
  switch (inSet) {
    case 'members':
      return writers === 'worker'
        ? ''
        : '; each member build whose repository they can write takes it';
    case 'home-workers':
      return "; only to a worker of the issue's repository (another's on its pull request)";
    case 'set':
      return '';
    default: {
      const _exhaustive: never = inSet;
      return _exhaustive;
    }
  }
}

/** The list as docs/usage.md holds it, its markers included. */
export function renderCommandList(): string {
  const rows = COMMAND_NAMES.map((name) => {
    const { usage, effect, writers, inSet } = specOf(name);
    return `| ${code(usage)} | ${effect} | ${WHO[writers]}${where(writers, inSet)} |`;
  });
  return [
    LIST_START,
    "| command | effect | on a change set's issue, by |",
    '| --- | --- | --- |',
    ...rows,
    LIST_END,
  ].join('\n');
}

/** docs/usage.md with its list written anew, or null when it has no markers. */
export function withCommandList(doc: string): string | null {
  const start = doc.indexOf(LIST_START);
  const end = doc.indexOf(LIST_END, start);
  if (start < 0 || end < 0) return null;
  return `${doc.slice(0, start)}${renderCommandList()}${doc.slice(end + LIST_END.length)}`;
}
