/**
 * The record of the ask that started a build: who asked, which way, when and
 * for what. `askForBuild` makes it from a writer's ask; the reconcile that
 * creates the build's status comment writes it there, on the line after the
 * status marker, and every later render keeps it. Only the app's bot writes
 * that comment (an admin's edit is a writer's), and only its second line is
 * read, where no quoted text can stand: a label event, a person's comment or
 * a hidden ref anyone with `contents: write` could push is never the record.
 * A build started before the record falls back to its build label's event.
 */
import { z } from 'zod';
import type { AskedBuild } from '../config/build-labels.js';
import type { ParsedConfig } from '../config/config.js';
import { BuildType } from '../plan/plan.js';

/** A tracker's key for an issue or item (`ENG-12`, `PROJ-7`, a node id): letters, digits and `-_.#`. */
const TrackerKey = z.string().regex(/^[\w.#-]{1,100}$/);

/** A tracker's id for a person (Linear's user id, Jira's `accountId`, which may hold a `:`). */
const TrackerPerson = z.string().regex(/^[\w.:-]{1,128}$/);

/**
 * Which way a writer asked: a label on the issue (its name), a comment's
 * command (its id), a schedule of `.github/baton.yml` (its name), a required
 * check that turned the default branch red (the head), a label on a pull
 * request (its number, and its head branch: the build's base, `buildBaseBranch`),
 * or a tracker's issue or item (its key).
 */
export type AskWay =
  | { way: 'label'; label: string }
  | { way: 'command'; comment: number }
  | { way: 'schedule'; schedule: string }
  | { way: 'check-failed'; head: string }
  | { way: 'pull-label'; pull: number; label: string; branch: string }
  | { way: 'linear' | 'jira' | 'project'; key: string };

/** The door an ask came through, as the page filters and `baton status` names it. */
export type Door =
  | 'label'
  | 'improve'
  | 'schedule'
  | 'check-failed'
  | 'pull-label'
  | 'linear'
  | 'jira'
  | 'project';

/** Every door, in the order the page's filter lists them. */
export const DOORS: readonly Door[] = [
  'label',
  'improve',
  'schedule',
  'check-failed',
  'pull-label',
  'linear',
  'jira',
  'project',
];

/** The door of a way of asking: a comment's command is `/improve`, the one command that asks. */
export function doorOf(how: AskWay): Door {
  return how.way === 'command' ? 'improve' : how.way;
}

/** A tracker's person an asker was mapped from: the tracker's id for them and their name there. */
export interface MappedPerson {
  id: string;
  name: string;
}

export interface AskRecord {
  /** Who asked (a REST login): a writer, as `askForBuild` checked. */
  by: string;
  how: AskWay;
  /** When the ask was heard (ISO 8601). */
  at: string;
  what: AskedBuild;
  /** What asked, where a person can open it (an https address): the schedule's commit, the red run, the tracker's issue. */
  link?: string;
  /** The tracker's person `by` was mapped from (a tracker's door only). */
  mapped?: MappedPerson;
}

/**
 * A branch name Baton takes as a build's base: letters, digits and `._/-`, no
 * `..`, no leading `-` or `/`, nothing Baton names itself (`baton/…`). Git allows
 * more; a branch outside this is refused rather than quoted into refs and queries.
 */
export const BaseBranch = z
  .string()
  .max(200)
  .regex(/^(?!baton\/)(?!.*\.\.)(?!.*\/\/)[\w][\w./-]*$/)
  .refine((name) => !name.endsWith('/') && !name.endsWith('.lock') && !name.endsWith('.'));

/** An https address with no quote, space or angle bracket: what a link may be before the page or a comment shows it. */
const Link = z
  .string()
  .max(400)
  .regex(/^https:\/\/[^\s"'<>`\\]+$/);

const AskSchema = z.object({
  by: z.string().regex(/^[\w.[\]-]{1,100}$/),
  how: z.union([
    z.object({ way: z.literal('label'), label: z.string().min(1).max(100) }),
    z.object({ way: z.literal('command'), comment: z.number().int().positive() }),
    z.object({ way: z.literal('schedule'), schedule: z.string().regex(/^[\w.-]{1,60}$/) }),
    z.object({ way: z.literal('check-failed'), head: z.string().regex(/^[0-9a-f]{7,64}$/) }),
    z.object({
      way: z.literal('pull-label'),
      pull: z.number().int().positive(),
      label: z.string().min(1).max(100),
      branch: BaseBranch,
    }),
    z.object({ way: z.enum(['linear', 'jira', 'project']), key: TrackerKey }),
  ]),
  at: z.string().min(1).max(40),
  what: z.union([
    z.object({ kind: z.literal('build'), type: BuildType }),
    z.object({ kind: z.literal('improve') }),
  ]),
  link: Link.optional(),
  mapped: z
    .object({
      id: TrackerPerson,
      name: z
        .string()
        .min(1)
        .max(100)
        .refine((name) => !/[\p{Cc}<>]/u.test(name)),
    })
    .optional(),
});

const ASK_LINE = /^<!-- baton:ask (\{[^<>\n]*\}) -->$/;

/** The hidden line that records the ask; its JSON holds no `<`, `>` or line break, so no label's name ends it. */
export function renderAskRecord(record: AskRecord): string {
  const json = JSON.stringify(AskSchema.parse(record))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `<!-- baton:ask ${json} -->`;
}

/**
 * The ask a status comment records: its second line only, right after the
 * status marker, where Baton alone writes. A line anywhere else that spells
 * one (a command quoted in the status) is never read; a line that does not
 * parse records nothing.
 */
export function parseAskRecord(statusBody: string): AskRecord | null {
  const line = statusBody.split('\n', 2)[1] ?? '';
  const match = ASK_LINE.exec(line.trimEnd());
  if (!match?.[1]) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(match[1]);
  } catch {
    return null;
  }
  const parsed = AskSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { link, mapped, ...record } = parsed.data;
  return { ...record, ...(link ? { link } : {}), ...(mapped ? { mapped } : {}) };
}

/** A status comment's body with the ask's line after its marker (the body as it was, with none). */
export function withAskLine(status: string, record: AskRecord | null | undefined): string {
  if (!record) return status;
  const end = status.indexOf('\n');
  const line = renderAskRecord(record);
  return end < 0 ? `${status}\n${line}` : `${status.slice(0, end)}\n${line}${status.slice(end)}`;
}

/**
 * The branch a build starts from, is kept in sync with and whose final pull
 * request targets: the labelled pull request's head branch for a build asked
 * through the pull-label door, as its record names it; the default branch for
 * every other build (and one whose record is lost). The one place a build's
 * base is said: the read (`observeBuild`) and every write that needs the base
 * (`buildBase` of the snapshot) go through it.
 */
export function buildBaseBranch(ask: AskRecord | null | undefined, defaultBranch: string): string {
  return ask?.how.way === 'pull-label' ? ask.how.branch : defaultBranch;
}

/**
 * The config a build runs under, given who asked and which way: where the
 * policy lets only the label start a build without `/approve`, a build asked
 * through another door waits for one, and the status names `approval: none`
 * as ignored for it.
 */
export function configForAsk(
  parsed: ParsedConfig,
  ask: AskRecord | null | undefined,
): ParsedConfig {
  if (!parsed.ok || !parsed.policy?.otherDoorsWait || parsed.config.approval !== 'none')
    return parsed;
  if (!ask || ask.how.way === 'label') return parsed;
  const door = doorOf(ask.how);
  return {
    ok: true,
    config: { ...parsed.config, approval: 'plan' },
    policy: {
      ...parsed.policy,
      ignored: [
        ...parsed.policy.ignored,
        {
          field: 'approval',
          value: 'none',
          limit: `a build asked through the ${door} door waits for /approve`,
        },
      ],
    },
  };
}
