/**
 * How a run of an engine is talked to while it runs (docs/sessions.md,
 * "Engines" and "Messages"): each engine's folder speaks the mechanism its
 * pinned version documents for input into a running session
 * (claude-code/claude-code-talk.ts, codex/codex-talk.ts), to this shape.
 *
 * The receipt is the model request that first carries the message, as the
 * model proxy sees it (run-engine.ts): a message sent but never carried
 * before the run ends goes back to the interjections, for the next run or,
 * failing that, the next session.
 */
import type { Writable } from 'node:stream';
import type { Interjection } from '../model/interjection.js';
import type { EngineRunReport } from './engine-commands.js';

/** What a run's talk needs of the session: what to send, and where receipts and tool calls go. */
export interface TalkSeat {
  prompt: string;
  model: string;
  workDir: string;
  /** A later run of the same conversation (its thread or session id, Codex's and Copilot's, kept here across runs). */
  resume: boolean;
  thread: { id: string | null };
  log: (line: string) => void;
}

/** One run's conversation with its engine. */
export interface EngineTalk {
  start(stdin: Writable): void;
  line(line: string): void;
  /** Sends an interjection into the running turn; false when the run can take none any more. */
  send(interjection: Interjection): boolean;
  report(): EngineRunReport;
}

/** A line of an engine's output as a JSON object, or null for any other line. */
export function parseLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Text cut to one line of at most 400 characters. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 400 ? `${line.slice(0, 399)}…` : line;
}
