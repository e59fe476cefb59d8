/**
 * What a conversation is told between two of its turns, whatever tells it (a
 * person's `/steer`, Baton's wind-down: src/session/agent/inbox/interjections.ts):
 * the seam through which Baton's loop and the engines take it in.
 */
import type { SessionLimit } from '../../../core/records/usage.js';

/** One thing to tell the model: a person's message (by its comment), or Baton's wind-down. */
export interface Interjection {
  /** `comment-<id>`, or `wind-down`: what the receipt is of. */
  id: string;
  text: string;
  /**
   * A few words of `text` that tell the first model request carrying it
   * (the engine's own wording around it may differ): its receipt's turn.
   */
  marker: string;
  comment?: number;
}

export interface Interjections {
  /** Baton's loop, before a turn: what to tell the model now, oldest first. */
  take(): Promise<Interjection[]>;
  /** An engine: each one is pushed as it comes (those waiting first); returns what stops it. */
  listen(push: (interjection: Interjection) => void): () => void;
  /** Keeps one an engine was sent but did not take in (its run ended): told again at the next chance. */
  later(interjection: Interjection): void;
  /** Checks the wind-down now (an engine's proxy metered a response): pushed or kept, as `take` would. */
  checkWindDown(): void;
  /** The model took `interjection` in at `turn`, its first request that carries it. */
  took(interjection: Interjection, turn: number): void;
  /** The limit the session was told it is about to reach, once it was told. */
  woundDown(): SessionLimit | null;
  stop(): void;
}
