import type { DueWrites } from '../../../core/workers/write-forecast.js';

/** A waiting build as replicas share it: its place, and its waiting worker's writes from 0. */
export interface SharedWaiter {
  chain: number;
  since: number;
  writes: DueWrites[];
}

/** An installation's budget as replicas share it: what each change writes, and the whole read back. */
export interface SharedBudget {
  note(at: number, count: number): void;
  owe(key: string, writes: readonly DueWrites[]): void;
  wait(key: string, waiter: SharedWaiter): void;
  unwait(key: string): void;
  turn(key: string, until: number): void;
  unturn(key: string): void;
  /** The steady pace's next slot (`dispatched`): only a later one replaces it. */
  pace(at: number): void;
  /** Wakes a build that waits on another replica (it is looked at now, wherever). */
  wakeElsewhere(key: string): void;
  load(): Promise<SharedBudgetState>;
}

export interface SharedBudgetState {
  /** [time, count], oldest first, within the hour (a session's writes that are due later, too). */
  log: Array<[number, number]>;
  owed: Map<string, DueWrites[]>;
  waiters: Map<string, SharedWaiter>;
  turns: Map<string, number>;
  /** The steady pace's next slot; 0 when none was taken. */
  pace: number;
}
