/**
 * What an organisation's policy did to a repository's config (org-policy.ts):
 * where it came from, the repository's settings it ignored, and the daily cap
 * per asker it sets. Carried beside the config it shaped.
 */
import type { PolicySource } from '../vocabulary/trailers.js';

/** A repository's setting the policy ignored: where, what it said, and the limit it loosened. */
export interface IgnoredSetting {
  /** The setting's path as a person writes it (`budget.maxUsd`). */
  field: string;
  /** What the repository's file said, in one line. */
  value: string;
  /** The limit, in words. */
  limit: string;
}

/** What applying a policy adds to a repository's config. */
export interface AppliedPolicy {
  /** The organisation's `.github` repository and the commit its `baton-policy.yml` was read at. */
  source: PolicySource;
  ignored: IgnoredSetting[];
  /** What one asker's builds may spend in a UTC day across the installation, where the policy sets it. */
  perAskerDailyUsd: number | null;
  /** A build asked through a door other than the label waits for `/approve`, whatever `approval` says. */
  otherDoorsWait: boolean;
}
