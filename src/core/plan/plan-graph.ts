import { compareWorkerIds } from '../vocabulary/ids.js';

/** A worker and the ids it depends on, as far as they could be read. */
export interface DependencyNode {
  id: string;
  dependsOn: string[];
}

/**
 * Dependency cycles between workers, each as the ids along it (each depends on
 * the next, the last on the first), starting from the lowest id. At least one
 * cycle is named in every tangle; self-dependencies and unknown ids are left
 * to their own, clearer messages.
 */
export function findCycles(nodes: DependencyNode[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const { id, dependsOn } of nodes) edges.set(id, [...(edges.get(id) ?? []), ...dependsOn]);
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const cycles = new Map<string, string[]>();

  function visit(id: string): void {
    state.set(id, 'active');
    stack.push(id);
    for (const dep of edges.get(id) ?? []) {
      if (dep === id || !edges.has(dep)) continue;
      const seen = state.get(dep);
      if (seen === 'active') {
        const cycle = rotateToLowest(stack.slice(stack.indexOf(dep)));
        cycles.set(cycle.join(' '), cycle);
      } else if (!seen) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(id, 'done');
  }

  for (const id of [...edges.keys()].sort(compareWorkerIds)) {
    if (!state.has(id)) visit(id);
  }
  return [...cycles.values()];
}

function rotateToLowest(cycle: string[]): string[] {
  const lowest = [...cycle].sort(compareWorkerIds)[0];
  const start = lowest === undefined ? 0 : cycle.indexOf(lowest);
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}
