import { z } from 'zod';
import { reviewRepeats } from '../../../core/memory/review-repeats.js';
import { AppliedLessons } from '../../../core/records/completion.js';
import {
  briefPath,
  completionPath,
  STYLE_GUIDE_PATH,
  skillPath,
} from '../../../core/vocabulary/ids.js';
import { findBatonReviewOf } from '../../baton-review.js';
import type { PullFile } from '../../reads/github-shapes.js';
import { ReviewComment, type ReviewResult } from '../../result.js';
import { askedHead, describeGone, goneHead } from '../../review-head.js';
import type { AgentContext } from '../agent-context.js';
import { converse, readOnlyParts } from '../agent-context.js';
import { readBuildScope, skillFor } from '../build-scope.js';
import { placeReviewComments, renderReviewBody } from '../git/diff-hunks.js';
import { findChangedFile, renderReviewPrompt, visibleName } from '../prompts/review-prompt.js';
import { type AgentTool, toInputSchema, toolError, toolOk } from '../tools/agent-tool.js';
import { capOutput } from '../tools/cap-output.js';
import { createReadOnlyTools } from '../tools/read-only-tools.js';
import { createSubmitTool } from '../tools/submit-tool.js';
import { readCompletion } from './hand-in/completion-submission.js';
import { existsIn, failedOutcome, type RoleOutcome } from './role-outcome.js';

/** GitHub takes at most this many inline comments in one review here; the rest go to the body. */
const MAX_INLINE_COMMENTS = 50;
const MAX_BODY_CHARS = 30_000;

const ReviewSubmission = z.strictObject({
  verdict: z.enum(['approve', 'changes-requested']),
  body: z
    .string()
    .trim()
    .min(1)
    .max(20_000)
    .describe('The summary of the review, and findings that are not about one line.'),
  comments: z.array(ReviewComment).max(100).default([]),
  lessons: AppliedLessons.optional().describe(
    'The slugs of the lessons of this repository you applied, if the first message gives any.',
  ),
});

/** `review`: reads the PR's diff through the API and the checkout read-only, submits a verdict; commits nothing. */
export async function runReviewRole(ctx: AgentContext): Promise<RoleOutcome> {
  const pr = Number(ctx.env.BATON_PR);
  if (!(pr > 0)) return failedOutcome('BATON_PR is required for the review role');
  // In a work or fix session's run, where the whole settings (an `_extends` base, the
  // organisation's) turn reviews off that publish could not read: no model call.
  if (ctx.env.BATON_AFTER && !ctx.config.review.enabled) {
    ctx.log('review.enabled is off in .github/baton.yml; no review in this run');
    return failedOutcome('reviews are off (review.enabled: false)');
  }
  const { BATON_BUILD: build, BATON_WORKER: worker } = ctx.env;
  const pull = await ctx.github.getPull(pr);
  const asked = askedHead(ctx.env.BATON_TRIGGER);
  // The pull request merged or closed, or its head moved only by the branch's update: nothing to judge.
  const gone = await goneHead({ pull, asked, reads: ctx.github, log: ctx.log });
  if (gone !== null) {
    ctx.log(`${describeGone(pr, gone)}; no model call, no review`);
    return { status: 'complete', reason: null, head: null, review: null, goneHead: gone };
  }
  // A twin run (another replica's dispatch of this review) went first: no model call, no second review.
  const reviews = await ctx.github.listReviews(pr);
  for (const sha of new Set([asked ?? pull.head.sha, pull.head.sha])) {
    const existing = findBatonReviewOf(reviews, sha);
    if (existing === null) continue;
    return {
      status: 'complete',
      reason: null,
      head: null,
      review: null,
      existingReview: { id: existing, commit_sha: sha },
    };
  }
  const files = await ctx.github.listPullFiles(pr);
  const brief = worker
    ? {
        path: briefPath(build, worker),
        present: await existsIn(ctx.root, briefPath(build, worker)),
      }
    : null;
  const scope = await readBuildScope(ctx.root, build, worker ?? null);
  const skill = skillPath(skillFor('review', scope.type));
  const report = worker ? await readCompletion(ctx.root, build, worker) : null;
  const outcome = await converse(ctx, {
    ...readOnlyParts(ctx, { models: 'review', role: 'review', submit: 'submit_review' }),
    prompt: renderReviewPrompt({
      pr,
      head: pull.head.sha,
      worker: worker ?? null,
      build,
      brief,
      tests:
        worker && scope.type === 'code'
          ? { run: report?.tests ?? null, report: completionPath(build, worker) }
          : null,
      skill: { path: skill, present: await existsIn(ctx.root, skill) },
      files,
      ...(scope.type === 'content'
        ? {
            styleGuide: {
              path: STYLE_GUIDE_PATH,
              present: await existsIn(ctx.root, STYLE_GUIDE_PATH),
            },
          }
        : {}),
    }),
    tools: [
      ...createReadOnlyTools({ root: ctx.root, maxOutputChars: ctx.limits.maxToolOutputChars }),
      createDiffTool(files, ctx.limits.maxToolOutputChars),
    ],
    submit: createSubmitTool({
      name: 'submit_review',
      description:
        'Hand in the review: verdict, body, and inline comments on diff lines (path, line, side, body).',
      schema: ReviewSubmission,
      // A finding repeats only a lesson the session was given (read as its conversation started).
      check: (value) => {
        const checked = reviewRepeats({
          given: ctx.lessons?.read ?? [],
          verdict: value.verdict,
          comments: value.comments,
        });
        return checked.ok ? { ok: true, value } : checked;
      },
    }),
    engineFiles: pullPatchFiles(files),
    // A review's lessons are those of the files the pull request changes.
    ...(scope.type === 'code' ? { memory: { paths: files.map((file) => file.filename) } } : {}),
  });
  if (outcome.kind === 'failed') return failedOutcome(outcome.reason);
  const placed = placeReviewComments({
    patches: new Map(files.map((f) => [f.filename, f.patch])),
    comments: outcome.value.comments,
    max: MAX_INLINE_COMMENTS,
  });
  const review: ReviewResult = {
    verdict: outcome.value.verdict,
    body: renderReviewBody(outcome.value.body, placed.moved, MAX_BODY_CHARS),
    comments: placed.inline,
    commit_sha: pull.head.sha,
    ...(outcome.value.lessons?.length ? { lessons: outcome.value.lessons } : {}),
  };
  return { status: 'complete', reason: null, head: null, review };
}

/**
 * What `get_diff` answers, as files an engine reads instead (it has no such
 * tool): `FILES`, the list of changed files, and each file's patch from the
 * API answer already read, named by its path with every `/` as `%2F`.
 */
export function pullPatchFiles(files: readonly PullFile[]): {
  files: { name: string; content: string }[];
  describe: (dir: string) => string;
} {
  return {
    files: [
      {
        name: 'FILES',
        content: `${files.map((f) => `${f.status} ${visibleName(f.filename)} (+${f.additions} -${f.deletions})`).join('\n')}\n`,
      },
      ...files.map((f) => ({
        name: `${encodeURIComponent(f.filename)}.patch`,
        content:
          f.patch ??
          `No textual patch for ${visibleName(f.filename)} (binary, or too large for the API); read the file instead.\n`,
      })),
    ],
    describe: (dir) =>
      `The pull request's diff, which get_diff would give: \`${dir}/FILES\` lists the changed files, and the patch of each is \`${dir}/<its path, URL-encoded: every / as %2F>.patch\`. Comment only on lines inside its hunks.`,
  };
}

const DiffInput = z.object({
  path: z.string().optional().describe('A changed file; without it, the list of changed files.'),
});

/** `get_diff`: the patch of one changed file, from the API answer already read, so the prompt stays small. */
export function createDiffTool(files: readonly PullFile[], maxChars: number): AgentTool {
  return {
    definition: {
      name: 'get_diff',
      description:
        'The unified diff of one changed file of the pull request, or the list of changed files when no path is given.',
      input_schema: toInputSchema(DiffInput),
    },
    async run(input) {
      const parsed = DiffInput.safeParse(input);
      if (!parsed.success) return toolError('get_diff takes {"path": "<changed file>"}');
      if (!parsed.data.path)
        return toolOk(
          files
            .map((f) => `${f.status} ${visibleName(f.filename)} (+${f.additions} -${f.deletions})`)
            .join('\n'),
        );
      const file = findChangedFile(files, parsed.data.path);
      if (!file)
        return toolError(
          `${parsed.data.path} is not changed by this pull request; call get_diff without a path for the list`,
        );
      if (!file.patch)
        return toolOk(
          `No textual patch for ${visibleName(file.filename)} (binary, or too large for the API); read the file instead.`,
        );
      return toolOk(capOutput(file.patch, maxChars));
    },
  };
}
