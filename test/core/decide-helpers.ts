import type { Action } from '../../src/core/context/action.js';
import type { StatusView } from '../../src/core/status/status-view.js';

/** The dispatches among the actions, as `role worker trigger` strings. */
export function dispatched(actions: Action[]): string[] {
  return actions.flatMap((action) =>
    action.kind === 'dispatch'
      ? [`${action.request.role} ${action.request.worker ?? '-'} ${action.request.trigger ?? '-'}`]
      : [],
  );
}

/** Every action but the status, which is always last. */
export function withoutStatus(actions: Action[]): Action[] {
  return actions.slice(0, -1);
}

/** The view of the one `render-status` action, which must be last. */
export function viewOf(actions: Action[]): StatusView {
  const last = actions.at(-1);
  if (last?.kind !== 'render-status') throw new Error('the last action is not render-status');
  if (actions.filter((action) => action.kind === 'render-status').length !== 1) {
    throw new Error('more than one render-status');
  }
  return last.view;
}

/** The rows of a running view, by worker id: `state` and `note`. */
export function rowsOf(actions: Action[]): Record<string, { state: string; note: string | null }> {
  const view = viewOf(actions);
  if (view.phase !== 'running') throw new Error(`phase is ${view.phase}, not running`);
  return Object.fromEntries(
    view.progress.workers.map((row) => [row.id, { state: row.state, note: row.note }]),
  );
}

/** The kinds of the actions, in order. */
export function kinds(actions: Action[]): string[] {
  return actions.map((action) => action.kind);
}

/** The keys of the notices among the actions. */
export function noticeKeys(actions: Action[]): string[] {
  return actions.flatMap((action) => (action.kind === 'notice' ? [action.key] : []));
}
