/**
 * The table of commands (docs/usage.md, "Commands"): each command once, with
 * how it is written and read, who may give it, where it acts, what the status
 * comment's record of accepted commands keeps of it, how it is written back,
 * and what must hold for it to apply. The `Command` type, the parser, the
 * record (`command-ledger.ts`), the status history, the answers to a command
 * that cannot apply (`check-commands.ts`), a change set's judgement
 * (`set-refusal.ts`, `member-snapshot.ts`) and docs/usage.md's list all derive
 * from it. What a command does is its rule's, in `src/core/rules/`.
 */
import { z } from 'zod';
import { ENGINES } from '../vocabulary/engine-names.js';
import {
  type CommandText,
  type Read,
  readAlone,
  readContinue,
  readImprove,
  readMessage,
  readRemember,
  readReplan,
  readRetry,
  readRetrySynthesis,
  readSkipFollowUps,
  readWorkerAlone,
} from './command-readers.js';

/** A worker id as the record keeps it. */
const WorkerId = z.string().regex(/^W\d+\.\d+$/);

/**
 * Who may give a command. On a build of one repository, anyone with write,
 * maintain or admin permission on it (Baton's 👀 says it was taken). On a
 * change set's issue, a writer of: `worker`, the worker's repository; `plan`,
 * every repository the plan touches (the repositories it may plan across
 * while there is no plan); `listed`, every repository it may plan across;
 * `home`, the issue's.
 */
export type Writers = 'worker' | 'plan' | 'listed' | 'home';

/**
 * Where a command given on a change set's issue acts: `members`, in every
 * member build (each takes it from those who can write its repository);
 * `home-workers`, in the member build of the repository, for its
 * workers only (a message its sessions read with that repository's token);
 * `set`, in the set build alone.
 */
export type InSet = 'members' | 'home-workers' | 'set';

/** What must hold, when a command is written, for it to apply to the build of a worker it names. */
export type WorkerApplies =
  /** A worker of the plan, neither merged nor skipped. */
  | 'a-worker'
  /** A worker of the plan not merged (skipping a skipped one changes nothing). */
  | 'an-unmerged-worker'
  /** A worker with an open pull request. */
  | 'an-open-pull'
  /** A worker that failed or has an open pull request: not one running without one. */
  | 'a-stopped-worker'
  /** A worker whose session handed in partial work. */
  | 'partial-work';

/** What must hold, when a command is written, for it to apply to the build. */
export type BuildApplies =
  | 'anytime'
  /** A valid plan not yet running (or a revised brief, or follow-up questions, waiting for it). */
  | 'a-plan-to-approve'
  /** No worker has started on the plan. */
  | 'before-work'
  /** An issue with no build yet. */
  | 'a-new-issue'
  /** A research build whose synthesis failed. */
  | 'a-failed-synthesis'
  /** A research build whose synthesis proposed follow-up questions. */
  | 'proposed-follow-ups'
  /** A change set (which answers it itself). */
  | 'a-change-set';

export type Applies = WorkerApplies | BuildApplies;

type Shape = z.core.$ZodShape;
/** The fields a shape gives a command: none for an empty one. */
type FieldsOf<S extends Shape> = [keyof S] extends [never]
  ? Record<never, never>
  : z.infer<z.ZodObject<S>>;

/** One command of the table. */
export interface CommandSpec<S extends Shape = Shape> {
  /** How it is written: the answers to a bad command and docs/usage.md's list show it. */
  usage: string;
  /** What it does, as docs/usage.md's list says it (`command-docs.ts` writes the list). */
  effect: string;
  /** The words that start it: `/retry`, or `/retry synthesis` for a form of its own. */
  head: string;
  /**
   * What it carries, in the order the record keeps it (a tuple). A field is
   * added only at the end and only optional (`exactOptional()`), so records
   * written before it still read.
   */
  fields: S;
  /** Free text of which the record keeps only the start: sessions read it from the comment by id. */
  clip?: readonly (keyof S & string)[];
  /** Reads the rest of its line (`command-readers.ts`). */
  read(line: CommandText): Read<FieldsOf<S>>;
  /** Its words as written back (the status history, the answers); read again, they give it back. */
  words(fields: FieldsOf<S>): string[];
  writers: Writers;
  inSet: InSet;
  applies: 'worker' extends keyof S ? Applies : BuildApplies;
}

/** A table entry, its fields inferred so its reader and its words are checked against them. */
function command<S extends Shape>(spec: CommandSpec<S>): CommandSpec<S> {
  return spec;
}

/** A command alone on its line, written `head`. */
function alone(
  head: string,
  more: Pick<CommandSpec<Record<never, never>>, 'effect' | 'writers' | 'inSet' | 'applies'>,
) {
  return command({ usage: head, head, fields: {}, read: readAlone, words: () => [head], ...more });
}

/**
 * A command of free text to the next command line, written `head <text>`: a
 * session reads it from the comment by id, so the record keeps only its start.
 */
function ofText<K extends string>(
  head: string,
  field: K,
  more: Pick<
    CommandSpec<Record<K, z.ZodString>>,
    'usage' | 'effect' | 'read' | 'writers' | 'inSet' | 'applies'
  >,
) {
  const fields = { [field]: z.string() } as Record<K, z.ZodString>;
  return command({
    head,
    fields,
    clip: [field],
    words: (read) => [head, (read as Record<K, string>)[field]],
    ...more,
  });
}

/** A command that names a worker and nothing else, written `head W2.1`. */
function ofWorker(
  head: string,
  more: Pick<CommandSpec<{ worker: typeof WorkerId }>, 'effect' | 'applies'>,
) {
  return command({
    usage: `${head} W2.1`,
    head,
    fields: { worker: WorkerId },
    read: readWorkerAlone,
    words: ({ worker }) => [head, worker],
    writers: 'worker',
    inSet: 'members',
    ...more,
  });
}

/**
 * A message to a worker's sessions, written `head W2.1 <message>`: they read
 * it from the comment by id, so the record keeps only its start.
 */
function toSessions(head: string, effect: string) {
  return command({
    usage: `${head} W2.1 <message>`,
    effect,
    head,
    fields: { worker: WorkerId, text: z.string() },
    clip: ['text'],
    read: readMessage,
    words: ({ worker, text }) => [head, worker, text],
    writers: 'worker',
    inSet: 'home-workers',
    applies: 'a-worker',
  });
}

/**
 * Every command, in the order answers and docs list them. Several commands
 * may share a word: the one whose head has more words is tried first.
 */
export const COMMANDS = {
  approve: alone('/approve', {
    effect:
      "start the planned build; later, start the workers whose briefs an adaptation revised, or a research build's proposed follow-up questions",
    writers: 'plan',
    inSet: 'set',
    applies: 'a-plan-to-approve',
  }),
  replan: ofText('/replan', 'feedback', {
    usage: '/replan <what to change>',
    effect: 'a new plan session that reads your comment',
    read: readReplan,
    writers: 'listed',
    inSet: 'set',
    applies: 'before-work',
  }),
  /** A person's rule kept as a lesson: a learn session proposes it (docs/memory.md). */
  remember: ofText('/remember', 'rule', {
    usage: '/remember <rule>',
    effect:
      'a learn session proposes your rule as one lesson, cited at the code it applies to, in a pull request you merge (docs/memory.md)',
    read: readRemember,
    writers: 'home',
    inSet: 'set',
    applies: 'anytime',
  }),
  retry: command({
    usage: '/retry W2.1 [engine=codex] [instructions]',
    effect:
      "a new attempt; on an open PR, a fix session on it; `engine=` runs the worker's sessions from then on on that engine (one `session.engine` allows)",
    head: '/retry',
    /** `engine`: the coding engine of the worker's sessions from this retry on. */
    fields: { worker: WorkerId, instructions: z.string(), engine: z.enum(ENGINES).exactOptional() },
    clip: ['instructions'],
    read: readRetry,
    words: ({ worker, engine, instructions }) => [
      '/retry',
      worker,
      ...(engine ? [`engine=${engine}`] : []),
      instructions,
    ],
    writers: 'worker',
    inSet: 'members',
    applies: 'a-stopped-worker',
  }),
  /** A research build's failed synthesis runs again (docs/build-types.md). */
  'retry-synthesis': command({
    usage: '/retry synthesis',
    effect: 'a research build: run its failed synthesis again',
    head: '/retry synthesis',
    fields: {},
    read: readRetrySynthesis,
    words: () => ['/retry', 'synthesis'],
    writers: 'home',
    inSet: 'set',
    applies: 'a-failed-synthesis',
  }),
  skip: ofWorker('/skip', {
    effect:
      'treat as done without merging; dependents go on, and its acceptance criteria are not due ([verification.md](verification.md))',
    applies: 'an-unmerged-worker',
  }),
  /** A research build goes on without the follow-up questions its synthesis proposed. */
  'skip-follow-ups': command({
    usage: '/skip follow-ups',
    effect:
      'a research build: deliver the report without the follow-up questions its synthesis proposed (`/approve` runs them)',
    head: '/skip follow-ups',
    fields: {},
    read: readSkipFollowUps,
    words: () => ['/skip', 'follow-ups'],
    writers: 'home',
    inSet: 'set',
    applies: 'proposed-follow-ups',
  }),
  merge: ofWorker('/merge', {
    effect:
      'merge despite the review verdict (checks still required), and a pull request that waits for a person by its risk ([verification.md](verification.md)); code a fix session pushes after it (a conflict or red checks fixed) is reviewed again',
    applies: 'an-open-pull',
  }),
  /** No new session for the worker and no merge of its pull request, until a `/release` or a `/retry` of it. */
  hold: ofWorker('/hold', {
    effect:
      'start no new session for W2.1 (no first one, no fix, no retry) and do not merge its pull request, until `/release W2.1` or `/retry W2.1`; its row says who held it',
    applies: 'a-worker',
  }),
  release: ofWorker('/release', {
    effect: 'let a held W2.1 go on from where it stood',
    applies: 'a-worker',
  }),
  pause: alone('/pause', {
    effect: 'stop dispatching: sessions running go on, no new one starts',
    writers: 'home',
    inSet: 'members',
    applies: 'anytime',
  }),
  resume: alone('/resume', {
    effect: 'go on after a `/pause`',
    writers: 'home',
    inSet: 'members',
    applies: 'anytime',
  }),
  cancel: alone('/cancel', {
    effect:
      "close the build's PRs and branches (a writer closing the issue cancels too; anyone else's close changes nothing)",
    writers: 'home',
    inSet: 'members',
    applies: 'anytime',
  }),
  status: alone('/status', {
    effect: 'look again now and refresh the status comment',
    writers: 'home',
    inSet: 'set',
    applies: 'anytime',
  }),
  improve: command({
    usage: '/improve [N] [focus]',
    effect: 'on an issue with no build: N improvement loops (research → plan → workers → summary)',
    head: '/improve',
    fields: { loops: z.number().int() },
    read: readImprove,
    words: ({ loops }) => ['/improve', String(loops)],
    writers: 'home',
    inSet: 'set',
    applies: 'a-new-issue',
  }),
  /** A change set's way back: revert pull requests where its final pull requests merged. */
  rollback: alone('/rollback', {
    effect:
      'a change set ([change-sets.md](change-sets.md)): open a revert pull request in every repository whose final pull request merged, in reverse landing order, with the same checks; nothing is force-pushed',
    writers: 'plan',
    inSet: 'set',
    applies: 'a-change-set',
  }),
  /** A message into the worker's session running now, between two of its turns. */
  steer: toSessions(
    '/steer',
    "tell W2.1's running session something: it takes the message in between two turns, and the status says at which turn; with no session running, the message is queued (and the reply says so)",
  ),
  /** A message to the worker's next session. */
  queue: toSessions(
    '/queue',
    "keep a message for W2.1's next session (its fix, retry or continuation), given with its first prompt",
  ),
  /** A session starts from the worker's partial branch. */
  continue: command({
    usage: '/continue W2.1',
    effect:
      "start a session from W2.1's partial work (its draft pull request and hand-off note) instead of from nothing",
    head: '/continue',
    fields: { worker: WorkerId },
    read: readContinue,
    words: ({ worker }) => ['/continue', worker],
    writers: 'worker',
    inSet: 'members',
    applies: 'partial-work',
  }),
} as const;

export type CommandName = keyof typeof COMMANDS;

/** An object type written out flat (its optional fields stay optional). */
type Flat<T> = { [K in keyof T]: T[K] };

type CommandOf<N extends CommandName> =
  (typeof COMMANDS)[N] extends CommandSpec<infer S> ? Flat<{ name: N } & FieldsOf<S>> : never;

/** A command from a comment, as the table defines it. */
export type Command = { [N in CommandName]: CommandOf<N> }[CommandName];

/** The names of the table, in its order. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** A command's entry, typed for any command (its own fields are the table's). */
export function specOf(name: CommandName): CommandSpec {
  return COMMANDS[name] as CommandSpec;
}

/** A value for every command of the table, made from its name. */
export function forEveryCommand<T>(make: (name: CommandName) => T): Record<CommandName, T> {
  return Object.fromEntries(COMMAND_NAMES.map((name) => [name, make(name)])) as Record<
    CommandName,
    T
  >;
}
