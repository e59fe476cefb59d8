/**
 * `memory:` of `.github/baton.yml` (docs/memory.md): whether sessions of code
 * builds read the lessons of `.baton/memory/`, how many tokens of them a
 * session takes at most, when an unused lesson is left out as expired, and
 * which sessions read them.
 */
import { z } from 'zod';

/** The sessions that may read lessons; a lesson without `roles` is for each of them. */
export const MEMORY_ROLES = ['plan', 'contract', 'work', 'fix', 'review', 'validate'] as const;
export type MemoryRole = (typeof MEMORY_ROLES)[number];

export const MemorySettings = z.strictObject({
  /** Sessions of code builds read the repository's lessons. */
  enabled: z.boolean().default(true),
  /** The most tokens of lessons one session takes (estimated at four characters a token). */
  budgetTokens: z.number().int().min(100).max(20_000).default(2000),
  /** A lesson not used for this many days (since its last use, else its creation) is left out as expired. */
  expireDays: z.number().int().min(1).max(3650).default(90),
  /** The sessions that read lessons. */
  roles: z
    .array(z.enum(MEMORY_ROLES))
    .max(MEMORY_ROLES.length)
    .default([...MEMORY_ROLES])
    .refine((roles) => new Set(roles).size === roles.length, 'lists a role twice'),
});
export type MemorySettings = z.infer<typeof MemorySettings>;
