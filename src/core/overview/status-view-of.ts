import { type DecideInput, decide } from '../decide/decide.js';
import type { StatusView } from '../status/status-view.js';

/**
 * The status `decide` renders for a build as read: what a reconcile would
 * show, for a reader that did not reconcile it (`baton status`). Pure: the
 * actions it asks for are dropped, never carried out.
 */
export function statusViewOf(read: DecideInput): StatusView | null {
  const last = decide(read).at(-1);
  return last?.kind === 'render-status' ? last.view : null;
}
