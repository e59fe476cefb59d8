/**
 * Workers held back, with the note their rows show: by an adaptation that
 * will revise their briefs (`decide-adapt.ts`), or by a command
 * (`command-rules.ts`). A held worker starts no session and its pull request
 * does not merge; `decideBuild` applies both.
 */
import type { RuleAction } from '../context/action.js';
import { isDone, type WorkerState } from '../workers/worker-state.js';

/** Held workers by id, each with the note its row shows. */
export type Holds = Map<string, string>;

/**
 * The workers with the holds applied: a held worker that was ready waits; one
 * further on keeps its state; each says why it goes no further. A merged or
 * skipped worker is past holding.
 */
export function applyHolds(workers: WorkerState[], holds: Holds): WorkerState[] {
  return workers.map((state) => {
    const note = holds.get(state.worker.id);
    if (note === undefined || isDone(state)) return state;
    // A person's hold outranks a wait by risk: the person holding it is not asked for it again.
    const { wait: _outranked, ...held } = state;
    return held.state === 'ready' ? { ...held, state: 'waiting', note } : { ...held, note };
  });
}

/** The actions without a session or a merge of a held worker. */
export function withoutHeld(holds: Holds, actions: RuleAction[]): RuleAction[] {
  return actions.filter((action) => {
    switch (action.kind) {
      case 'dispatch': {
        const { worker } = action.request;
        return !(worker && holds.has(worker));
      }
      case 'merge-pull':
        return !holds.has(action.worker);
      default:
        return true;
    }
  });
}
