import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { neutralizeClosingKeywords } from '../../core/vocabulary/closing-keywords.js';
import { withTrailers } from '../../core/vocabulary/trailers.js';
import { BUNDLE_FILE, RESULT_FILE, RESULT_MAX_BYTES, SessionResult } from '../result.js';
import { sessionTrailers } from '../session-trailers.js';
import type { AgentContext } from './agent-context.js';
import { type CommitSource, commitAll } from './git/commit-all.js';
import { git, gitSucceeds } from './git/git.js';

/** The head the session committed (null: nothing), or why its commits cannot be published. */
export type SessionCommit = { ok: true; head: string | null } | { ok: false; reason: string };

/**
 * Commits the working tree on top of the base and leaves the commits as a git
 * bundle in BATON_OUT for the publish job; answers the new head, or null when
 * nothing changed. Messages carry titles a model wrote (the plan's, a brief's),
 * and GitHub closes the issues a commit message names with a closing keyword
 * once the final pull request brings it to the default branch: none may.
 * The message ends with the session's trailers (`sessionTrailers`), its
 * lines made safe so that no title's line ends the message before them.
 */
export async function commitSession(
  ctx: AgentContext,
  message: string,
  source: CommitSource = { workDir: ctx.root },
): Promise<SessionCommit> {
  const options = { root: ctx.root, env: ctx.toolEnv };
  const steering = ctx.steering.kind === 'default-branch' ? ctx.steering.ref : ctx.base;
  const policyCommit = await git(options, ['rev-parse', '--verify', `${steering}^{commit}`]);
  const trailers = sessionTrailers(ctx.env, { policyCommit });
  await commitAll(options, withTrailers(neutralizeClosingKeywords(message), trailers), source);
  const head = await git(options, ['rev-parse', 'HEAD']);
  if (head === ctx.base) return { ok: true, head: null };
  if (!(await gitSucceeds(options, ['merge-base', '--is-ancestor', ctx.base, head]))) {
    return {
      ok: false,
      reason:
        'the session rewrote history below its base; commits must build on the dispatched commit',
    };
  }
  await mkdir(ctx.env.BATON_OUT, { recursive: true });
  await git(options, [
    'bundle',
    'create',
    path.resolve(ctx.env.BATON_OUT, BUNDLE_FILE),
    `${ctx.base}..HEAD`,
  ]);
  return { ok: true, head };
}

/**
 * Writes `result.json`, checked against the contract. A result too large for
 * the publish job keeps its status, usage and reason and loses its payload.
 */
export async function writeSessionResult(out: string, result: SessionResult): Promise<void> {
  await mkdir(out, { recursive: true });
  let text = JSON.stringify(SessionResult.parse(result), null, 2);
  if (Buffer.byteLength(text) > RESULT_MAX_BYTES) {
    const reason = `the result was larger than ${RESULT_MAX_BYTES} bytes and was dropped; ask for shorter reports`;
    text = JSON.stringify(
      SessionResult.parse({
        ...result,
        status: 'failed',
        reason,
        completion: null,
        plan: null,
        review: null,
        synthesis: null,
      }),
      null,
      2,
    );
  }
  await writeFile(path.join(out, RESULT_FILE), `${text}\n`);
}
