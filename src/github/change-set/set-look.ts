import type { ParsedConfig } from '../../core/config/config.js';
import type { Action } from '../../core/context/action.js';
import type { BuildSnapshot, RunInfo } from '../../core/snapshot/snapshot.js';
import { memberBuildId } from '../../core/vocabulary/ids.js';
import type { ActOutcome } from '../act/act.js';
import { buildKey, contextOf, type RepoContext } from '../client/types.js';
import { readRuns } from '../observe/read-runs.js';
import { membersSeen } from './members-seen.js';

/** A member build as its set's reconcile read it, and what `decide` made of it alone. */
export interface DecidedRead {
  snapshot: BuildSnapshot;
  config: ParsedConfig;
  decided: Action[];
  runsSince: string;
}

/** What this process last read of each build, as the look asks it (the reconcile's `LastReads`). */
export interface MemberReads {
  runsSince(key: string, withinMs: number): string | null;
  awaitsOnlyRuns(key: string, withinMs: number): boolean;
  runsChangeNothing(key: string, runs: RunInfo[], now: string, withinMs: number): boolean;
  nextLook(key: string, now: string): ActOutcome | null;
  /** Notes a member's read after the set's reconcile, with what `decide` made of it (null: none stands for it). */
  noteDecided(key: string, read: DecidedRead | null): void;
}

/**
 * A change set's next look without an event (docs/change-sets.md), judged
 * before its read: when every member, as last read, waits on GitHub for its
 * runs alone, and every member's runs as its repository lists them now
 * (conditionally: an unchanged listing is a 304, not counted) change nothing
 * of it (`LastReads.runsChangeNothing`), the look finds no news and reads
 * nothing. A set whose members this process has not read is read whole.
 */
export function setLookNoNews(
  ctx: RepoContext,
  {
    build,
    reads,
    now,
    withinMs,
    rearm,
  }: {
    build: string;
    reads: MemberReads;
    now: () => string;
    /** How old a member's last read may be and still stand for it. */
    withinMs: number;
    /** Sets the set's next look. */
    rearm: (next: ActOutcome) => void;
  },
): { judge: () => Promise<boolean>; why: string } | undefined {
  const home = `${ctx.owner}/${ctx.repo}`.toLowerCase();
  const members = membersSeen.members(buildKey(ctx, build));
  if (members.length === 0) return undefined;
  const member = memberBuildId(build, home);
  return {
    judge: async () => {
      const freshFrom = Date.now();
      const keys: string[] = [];
      for (const repository of members) {
        const there = await contextOf(ctx, repository.name);
        const key = buildKey(there, member);
        const since = reads.runsSince(key, withinMs);
        if (!since || !reads.awaitsOnlyRuns(key, withinMs)) return false;
        const listed = await readRuns(there, { build: member, since, freshFrom });
        if (!listed.installed || !reads.runsChangeNothing(key, listed.runs, now(), withinMs))
          return false;
        keys.push(key);
      }
      const soonest = keys
        .map((key) => reads.nextLook(key, now()))
        .reduce<ActOutcome | null>(
          (first, next) =>
            next && (!first || (next.retryInMs ?? 0) < (first.retryInMs ?? 0)) ? next : first,
          null,
        );
      if (soonest) rearm(soonest);
      return true;
    },
    why: "every member's runs are as the last read saw them",
  };
}
