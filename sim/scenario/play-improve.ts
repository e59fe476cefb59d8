import type { Simulation } from '../e2e.js';
import type { SimPull } from '../github/records.js';
import { machineLimit } from '../machine-time.js';
import { findFinalPull, watchStatus } from './play-build.js';
import { settle } from './settle.js';

/** How a maintainer plays an improvement series: the issue, the `/improve`, and what to watch. */
export interface PlayImproveOptions {
  sim: Simulation;
  issue: { title: string; body: string };
  /** The comment that asks for the loops: `/improve 3 <focus>`. */
  command: string;
  onStatus?: (body: string, at: Date) => void;
  onNotice?: (body: string, at: Date) => void;
  onComment?: (body: string, at: Date) => void;
  /** The whole series' time limit, in the machine's time (sim/machine-time.ts); default 4 minutes. */
  timeoutMs?: number;
}

export interface PlayedSeries {
  issue: number;
  build: string;
  finalPull: SimPull;
  statuses: string[];
}

/**
 * Plays an improvement series as a maintainer would: opens an issue with no
 * label, comments the `/improve`, replies `/approve` to each loop's plan when
 * the status comment asks for it, and waits until the final pull request is
 * open and shown, every session finished and every webhook delivered.
 */
export async function playImprove(options: PlayImproveOptions): Promise<PlayedSeries> {
  const { sim } = options;
  const watch = watchStatus(sim.gh, options.onStatus, options.onNotice);
  const say = (body: string) => {
    sim.comment({ issue, body });
    options.onComment?.(body, new Date());
  };
  const issue = sim.gh.openIssue({ ...options.issue, user: 'maintainer', labels: [] });
  say(options.command);
  const limit = machineLimit(options.timeoutMs ?? 240_000);
  const approved = new Set<number>();
  const build = await sim.waitFor(
    'the build id',
    () => /baton:status build=([\w.-]+)/.exec(sim.statusComment(issue) ?? '')?.[1],
    limit,
  );
  const finalPull = await sim.waitFor(
    'the final pull request',
    () => {
      watch.poll();
      const body = sim.statusComment(issue) ?? '';
      const planning = /\| (\d+) \| 📋 planning/.exec(body)?.[1];
      if (planning && body.includes('Reply `/approve`') && !approved.has(Number(planning))) {
        approved.add(Number(planning));
        say('/approve');
      }
      return findFinalPull(sim.gh, build);
    },
    limit,
  );
  await sim.waitForStatus(issue, `#${finalPull.number}`, limit);
  await settle(sim);
  watch.poll();
  return { issue, build, finalPull, statuses: watch.statuses };
}
