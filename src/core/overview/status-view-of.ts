import type { ParsedConfig } from '../config/config.js';
import { decide } from '../decide/decide.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import type { StatusView } from '../status/status-view.js';

/**
 * The status `decide` renders for a build as read: what a reconcile would
 * show, for a reader that did not reconcile it (`baton status`). Pure: the
 * actions it asks for are dropped, never carried out.
 */
export function statusViewOf({
  snapshot,
  config,
  now,
}: {
  snapshot: BuildSnapshot;
  config: ParsedConfig;
  now: string;
}): StatusView | null {
  const last = decide({ snapshot, config, now }).at(-1);
  return last?.kind === 'render-status' ? last.view : null;
}
