/**
 * A session's output as publish reads it: what publish reaches the world
 * through, and the session's result with the scratch repository and token
 * every check and write takes.
 */
import type { SessionEnv } from '../env.js';
import type { SessionResult } from '../result.js';
import type { SessionClientOptions, SessionLog } from '../session-octokit.js';
import type { SessionTarget } from './checks/check-result.js';
import type { ScratchRepo } from './scratch-repo.js';

/** What publish reaches the world through; tests replace the parts. */
export interface PublishIo {
  fetch: typeof globalThis.fetch;
  remote: string;
  mask: (secret: string) => void;
  /** Where the GitHub client logs the tries that failed. */
  log?: SessionLog;
  /** How hard the GitHub client tries; the defaults suit GitHub. */
  github?: SessionClientOptions;
  /** The OTLP settings the job's tool call spans go by (tool-spans.ts): the job's environment; none, none sent. */
  otel?: Record<string, string | undefined>;
}

/** A session's output as publish read it, with the scratch repository and the token it is checked and written with. */
export interface ReadSession {
  env: SessionEnv;
  io: PublishIo;
  target: SessionTarget;
  result: SessionResult;
  repo: ScratchRepo;
  token: string;
}
