/**
 * Scheduled builds (`schedules:` of `.github/baton.yml`, docs/intake.md): a
 * cron expression read in a time zone, and what to build at each firing. Only
 * the repository's own file on its default branch counts; the asker is the
 * author of the commit that last changed the schedule there. When one is due
 * is worked out here from a time given, never a clock (croner, asked for the
 * run before `now`).
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { MAX_IMPROVE_LOOPS } from '../commands/command-readers.js';
import { BuildType } from '../plan/plan.js';

/** The shortest time between two firings of one schedule: an hour. */
export const MIN_SCHEDULE_GAP_MS = 60 * 60_000;

/** How late a firing may still start: past this, a slot missed (the app down, a late run) is left. */
export const SCHEDULE_LATE_MS = 2 * 60 * 60_000;

/** A path of the repository: no `..`, no leading slash, no backslash. */
const RepoFile = z
  .string()
  .max(200)
  .regex(
    /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[\w./ -]+$/,
    'a file of the repository, such as briefs/upkeep.md',
  );

/** One scheduled build. */
export const Schedule = z
  .strictObject({
    /** Its name: letters, digits, `.`, `_` and `-`; each build it starts records it. */
    name: z.string().regex(/^[\w.-]{1,60}$/, 'letters, digits, ".", "_" and "-", at most 60'),
    /** When: a five-field cron expression (minute hour day month weekday), an hour apart at least. */
    cron: z.string().max(100),
    /** The IANA time zone the cron expression is read in (`Europe/Berlin`). */
    timeZone: z.string().max(60).default('UTC'),
    /** An issue to run again at each firing: its title and text become a new issue's. */
    issue: z.number().int().positive().optional(),
    /** A file of the repository (read on the default branch at each firing) whose text is the brief. */
    brief: RepoFile.optional(),
    /** The title of the issue each firing opens; the schedule's name unless given. */
    title: z.string().trim().min(1).max(120).optional(),
    /** The build's type: `code`, `research` or `content`. */
    type: BuildType.default('code'),
    /**
     * Improvement loops in place of one build (docs/improve.md), as `/improve N` asks:
     * the brief or the issue run again is their focus.
     */
    improve: z.strictObject({ loops: z.number().int().min(1).max(MAX_IMPROVE_LOOPS) }).optional(),
    /**
     * What each firing's build may spend, in US dollars: its budget in place of
     * `budget.maxUsd` where lower (a schedule spends no more than any build may).
     */
    maxUsd: z.number().positive().max(1_000_000).optional(),
  })
  .superRefine((schedule, ctx) => {
    if ((schedule.issue === undefined) === (schedule.brief === undefined))
      ctx.addIssue({ code: 'custom', path: ['issue'], message: 'name one of issue or brief' });
    if (schedule.improve && schedule.type !== 'code')
      ctx.addIssue({
        code: 'custom',
        path: ['improve'],
        message: 'improvement loops build code: leave type out',
      });
    const problem = cronProblem(schedule.cron, schedule.timeZone);
    if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: problem });
  });
export type Schedule = z.infer<typeof Schedule>;

/** The schedules of a repository: at most 20, each name once. */
export const Schedules = z
  .array(Schedule)
  .max(20)
  .default([])
  .refine(
    (list) => new Set(list.map((one) => one.name)).size === list.length,
    'names a schedule twice',
  );

/** Why `cron` in `timeZone` is no schedule Baton takes, or null. */
function cronProblem(cron: string, timeZone: string): string | null {
  let runs: Date[];
  try {
    const job = new Cron(cron, { paused: true, timezone: timeZone, mode: '5-part' });
    // A timetable with a gap under an hour shows within its first fifty runs.
    runs = job.nextRuns(50, new Date('2026-01-01T00:00:00Z'));
  } catch (error) {
    return `not a five-field cron expression in a known time zone: ${(error as Error).message.slice(0, 200)}`;
  }
  if (runs.length === 0) return 'never fires';
  for (let i = 1; i < runs.length; i++) {
    const gap = (runs[i]?.getTime() ?? 0) - (runs[i - 1]?.getTime() ?? 0);
    if (gap < MIN_SCHEDULE_GAP_MS) return 'fires more often than once an hour';
  }
  return null;
}

/**
 * The firing of `schedule` due at `now`: its newest run at or before `now`,
 * no more than `SCHEDULE_LATE_MS` ago; null where none is.
 */
export function dueFiring(schedule: Schedule, now: string): string | null {
  const at = Date.parse(now);
  const job = new Cron(schedule.cron, {
    paused: true,
    timezone: schedule.timeZone,
    mode: '5-part',
  });
  const [last] = job.previousRuns(1, new Date(at + 1));
  if (!last || at - last.getTime() > SCHEDULE_LATE_MS) return null;
  return last.toISOString();
}

/** A firing's name in a ref: `20261128T0600Z`. */
export function firingSlot(firing: string): string {
  return firing
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .slice(0, 13)
    .concat('Z');
}
