/**
 * `session` of `.github/baton.yml`: how long a session may run, its engine,
 * its turns, its tests, its setup and the network its commands may reach.
 */
import { z } from 'zod';
import {
  HOST_PATTERN,
  isIpLiteral,
  SANDBOX_MODEL_PORT,
  SANDBOX_PROXY_PORT,
} from '../sessions/egress.js';
import { EngineSetting } from '../sessions/engines.js';

/** `session.timeoutMinutes` unless `.github/baton.yml` says otherwise. */
export const DEFAULT_SESSION_TIMEOUT_MINUTES = 60;

export const Session = z.strictObject({
  /** A session still running after this long is cancelled and marked failed. */
  timeoutMinutes: z.number().int().min(5).max(360).default(DEFAULT_SESSION_TIMEOUT_MINUTES),
  /** A run still queued after this long is cancelled and marked failed. */
  queuedMinutes: z.number().int().min(1).max(1440).default(30),
  /** Model requests one session may make. */
  maxTurns: z.number().int().min(1).max(1000).default(80),
  /** Let sessions change files under `.github/workflows/` (refused by default). */
  allowWorkflowChanges: z.boolean().default(false),
  /**
   * The runner label session jobs run on (the workflow's `runs-on`, passed as
   * the `runner` dispatch input when not the default). A self-hosted runner
   * needs Actions runner v2.327.1 or later (node24 actions) and sudo for the
   * session's tools user.
   */
  runsOn: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be one runner label (letters, digits, - _ .)')
    .default('ubuntu-latest'),
  /**
   * The command work and fix sessions run (as the tools user, in their copy of
   * the repository) before they hand in: `npm test`, `make check`. Null: found
   * from the repository (package.json `scripts.test`, a pytest configuration,
   * go.mod, Cargo.toml); `false` runs none.
   */
  test: z
    .union([z.string().trim().min(1).max(500), z.literal(false)])
    .nullable()
    .default(null),
  /**
   * The coding engine of each kind of session (docs/sessions.md, "Engines"):
   * `baton` (Baton's own loop, the default), `claude-code` or `codex`, for
   * every role; or a table: `{ default: baton, work: claude-code, review: codex,
   * allow: [baton, claude-code, codex] }`. A plan may name an allowed engine
   * per worker, and `/retry W2.1 engine=codex` one for a worker's next attempt.
   */
  engine: EngineSetting,
  /**
   * What the model's commands may reach on the network (docs/security.md,
   * "Egress"). By default (`allow: []`) only the package registries of the
   * ecosystems the repository uses (npm, PyPI, crates.io, the Go module proxy,
   * Maven Central, RubyGems) and the distribution's package archive, through
   * the session's proxy; every other connection is refused and counted in the
   * worker's pull request. `allow` adds host names (`*.example.com` for every
   * subdomain of example.com) or IP addresses; `ports` the ports of services
   * on the runner's own loopback (a database the setup started) that the
   * commands reach at `127.0.0.1:<port>`, which the sandbox's network
   * otherwise hides. `open`: the runner's network, any host (the status
   * comment says so); without a tools user (local runs) the only setting that
   * lets the commands run unconfined.
   */
  network: z
    .union([
      z.literal('open'),
      z.strictObject({
        allow: z
          .array(
            z
              .string()
              .trim()
              .toLowerCase()
              .refine(
                (host) => HOST_PATTERN.test(host) || isIpLiteral(host),
                'must be a host name, *.domain for its subdomains, or an IP address',
              ),
          )
          .max(200)
          .default([]),
        ports: z
          .array(
            z
              .number()
              .int()
              .min(1)
              .max(65535)
              .refine(
                (port) => port !== SANDBOX_PROXY_PORT,
                `${SANDBOX_PROXY_PORT} is where the sandbox reaches the egress proxy`,
              )
              .refine(
                (port) => port !== SANDBOX_MODEL_PORT,
                `${SANDBOX_MODEL_PORT} is where an engine in the sandbox reaches the model proxy`,
              ),
          )
          .max(20)
          .default([]),
      }),
    ])
    .default({ allow: [], ports: [] }),
});
