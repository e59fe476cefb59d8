import { z } from 'zod';

/**
 * The doors events open (docs/intake.md), each off until `.github/baton.yml`
 * names it: the default branch turned red by a workflow it names, a pull
 * request given the build label, and an issue moved on an organisation's project.
 */
export const EventDoors = z.strictObject({
  /**
   * A run of a workflow named here (its `name:`) that fails on a push to the
   * default branch, at the branch's head, asks for a fix build: one per head,
   * one at a time, asked by whoever pushed. Empty: off.
   */
  checkFailed: z
    .strictObject({
      workflows: z.array(z.string().trim().min(1).max(100)).max(10).default([]),
    })
    .prefault({}),
  /**
   * A pull request of this repository (not a fork's) given the build label by
   * a writer asks for a build whose final pull request targets its branch:
   * the build branch starts from that branch and is kept in sync with it.
   * False: off.
   */
  pullLabel: z.boolean().default(false),
  /**
   * An issue of this repository whose item on one of the organisation's
   * projects a writer sets to `value` in the single-select field `field`
   * (`{ field: Status, value: Baton }`) asks for a build on that issue. Absent: off.
   */
  project: z
    .strictObject({
      field: z.string().trim().min(1).max(100),
      value: z.string().trim().min(1).max(100),
    })
    .optional(),
});
export type EventDoors = z.infer<typeof EventDoors>;
