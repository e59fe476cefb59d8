import { z } from 'zod';

/**
 * When a worker counts as a runaway (docs/mission-control.md, "Runaways"): the
 * page warns of it, and a notice on the issue tells the people `notify` names.
 * Baton never stops a runaway by itself: `/skip`, `/pause` or `/cancel` do.
 */
export const RunawaySettings = z.strictObject({
  /**
   * A worker whose newest work and fix sessions, this many in a row, each
   * ended without delivering (failed, blocked, stopped short or left no
   * result) is a runaway: its sessions fail or are retried in a loop. `0`
   * turns it off.
   */
  failures: z.number().int().min(0).max(100).default(3),
  /**
   * A worker whose sessions started within the last hour have cost more than
   * this many US dollars is a runaway: it spends faster than it should. `null`
   * or `0` turns it off.
   */
  usdPerHour: z
    .number()
    .nonnegative()
    .nullable()
    .default(20)
    .transform((usd) => (usd === 0 ? null : usd)),
});
export type RunawaySettings = z.infer<typeof RunawaySettings>;
