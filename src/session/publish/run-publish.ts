import { appendFile } from 'node:fs/promises';
import { isReviewedInRun } from '../../core/sessions/session.js';
import type { SessionEnv } from '../env.js';
import type { SessionClientOptions } from '../session-octokit.js';
import { appendStepSummary } from '../step-summary.js';
import { type PublishOutcome, withSummaryLine } from './publish-outcome.js';
import { publishSession } from './publish-session.js';
import { renderUsage } from './write/pull-body.js';

/** The exit codes of `baton session publish`. */
export const PUBLISH_EXIT = {
  /** Everything the session delivered is on GitHub. */
  published: 0,
  /** The session itself ended blocked or failed; its branch was kept if it had commits. */
  sessionFailed: 1,
  /** The output broke a rule; nothing was written. */
  refused: 2,
  /** The token exchange, git or GitHub failed; run the job again. */
  error: 3,
} as const;

/** Overrides for tests and unusual setups; production passes none. */
export interface PublishOptions {
  fetch?: typeof fetch;
  /** The git remote to use instead of `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git` (tests). */
  gitRemote?: string;
  /** Where the job summary goes; defaults to `$GITHUB_STEP_SUMMARY`. */
  stepSummaryPath?: string;
  /** Where the step's outputs go; defaults to `$GITHUB_OUTPUT`. */
  outputPath?: string;
  /** Where progress and reasons go; defaults to stderr. */
  log?: (line: string) => void;
  /** How hard the GitHub client tries (tests make its waits short). */
  github?: SessionClientOptions;
}

/**
 * `baton session publish`: the job without a model. Exchanges the run's OIDC
 * token for an installation token, checks the agent job's output, and writes
 * it as the app: pushes, opens or updates the PR, or posts the review.
 * Returns the process exit code (see PUBLISH_EXIT).
 */
export async function runPublish(env: SessionEnv, options: PublishOptions = {}): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const summaryPath = options.stepSummaryPath ?? process.env.GITHUB_STEP_SUMMARY;
  const remote =
    options.gitRemote ??
    `${env.GITHUB_SERVER_URL.replace(/\/+$/, '')}/${env.GITHUB_REPOSITORY}.git`;
  let outcome: PublishOutcome;
  try {
    outcome = await publishSession(env, {
      fetch: options.fetch ?? fetch,
      remote,
      mask: maskInLog,
      log,
      otel: process.env,
      ...(options.github ? { github: options.github } : {}),
    });
  } catch (error) {
    outcome = { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  const title =
    `Baton publish: ${env.BATON_ROLE} ${env.BATON_BUILD} ${env.BATON_WORKER ?? ''}`.trim();
  const review = reviewInRun(env, outcome);
  const { code, text } = describe(review ? withReviewLine(outcome, review) : outcome);
  log(text);
  await appendStepSummary(summaryPath, `### ${title}\n\n${text}`);
  const outputPath = options.outputPath ?? process.env.GITHUB_OUTPUT;
  if (review && outputPath) {
    await appendFile(outputPath, `review-pr=${review.pr}\nreview-head=${review.head}\n`);
  }
  return code;
}

/**
 * The head this run's review jobs review next (the workflow's `review-pr` and `review-head`
 * outputs): a work, contract or fix session's pull request head it pushed; never a review's own.
 */
function reviewInRun(
  env: SessionEnv,
  outcome: PublishOutcome,
): { pr: number; head: string } | null {
  if (outcome.kind !== 'published' || !outcome.review) return null;
  if (env.BATON_AFTER !== undefined || !isReviewedInRun(env.BATON_ROLE)) return null;
  return outcome.review;
}

function withReviewLine(
  outcome: PublishOutcome,
  review: { pr: number; head: string },
): PublishOutcome {
  return withSummaryLine(
    outcome,
    `This run reviews #${review.pr} at ${review.head.slice(0, 7)} next (its review jobs).`,
  );
}

function describe(outcome: PublishOutcome): { code: number; text: string } {
  switch (outcome.kind) {
    case 'published':
      return {
        code: PUBLISH_EXIT.published,
        text: outcome.lines.join('\n') || 'Nothing to publish.',
      };
    case 'session-failed':
      return {
        code: PUBLISH_EXIT.sessionFailed,
        text: [
          `The session ended ${outcome.status}: ${outcome.reason}`,
          `Usage: ${renderUsage(outcome.usage)}`,
          ...outcome.lines,
          'No pull request was opened.',
        ].join('\n\n'),
      };
    case 'refused':
      return {
        code: PUBLISH_EXIT.refused,
        text: `Refused the session's output; nothing was pushed.\n\n${outcome.problems.map((p) => `- ${p}`).join('\n')}`,
      };
    case 'error':
      return { code: PUBLISH_EXIT.error, text: `Could not publish: ${outcome.message}` };
    default: {
      const _exhaustive: never = outcome;
      return _exhaustive;
    }
  }
}

/**
 * Tells the Actions runner to mask a secret in every later log line, as
 * `core.setSecret` does; outside Actions there is no runner to tell.
 */
function maskInLog(secret: string): void {
  if (process.env.GITHUB_ACTIONS === 'true') process.stdout.write(`::add-mask::${secret}\n`);
}
