import { z } from 'zod';
import { integrationBranch, reportPath } from '../../../core/vocabulary/ids.js';
import type { SynthesisResult } from '../../result.js';
import { type GitHubApi, repoPath } from './github-api.js';
import { fitBody, neutralizeModelText } from './pull-body.js';

const COMMENT_PAGES_MAX = 30;

const ListedComment = z.object({
  id: z.number(),
  body: z.string().nullable().optional(),
  user: z.object({ type: z.string().optional() }).nullable().optional(),
});
const PostedComment = z.object({ id: z.number(), html_url: z.string().optional() });

/**
 * Posts a synthesis's summary on the build's issue, once per run: the text is
 * the session's output, posted here with no model in the job (the app never
 * reads it). Follow-up questions are listed with the workers the session
 * proposed for them in plan.json, which run after a person's `/approve`.
 */
export async function postSynthesisSummary({
  api,
  repository,
  issue,
  build,
  synthesis,
  runId,
}: {
  api: GitHubApi;
  repository: string;
  issue: number;
  build: string;
  synthesis: SynthesisResult;
  runId: string;
}): Promise<{ id: number; again: boolean }> {
  const base = `${repoPath(repository)}/issues/${issue}/comments`;
  const marker = renderSynthesisMarker(runId);
  const posted = await api.postOnce({
    path: base,
    body: { body: renderSynthesisComment({ build, synthesis, marker }) },
    find: async () => {
      const id = await findCommentWith(api, base, marker);
      return id === null ? null : { id };
    },
  });
  return { id: PostedComment.parse(posted.value).id, again: posted.found };
}

/** `<!-- baton:synthesis-run 123 -->`: which run posted the summary (model text cannot forge it). */
export function renderSynthesisMarker(runId: string): string {
  return `<!-- baton:synthesis-run ${runId.replace(/[^0-9A-Za-z_-]/g, '')} -->`;
}

export function renderSynthesisComment({
  build,
  synthesis,
  marker,
}: {
  build: string;
  synthesis: SynthesisResult;
  marker: string;
}): string {
  const lines = [
    '### Research report',
    '',
    neutralizeModelText(synthesis.summary),
    '',
    `The whole report is \`${reportPath(build)}\` on \`${integrationBranch(build)}\`; the final pull request delivers it.`,
  ];
  if (synthesis.follow_up.length > 0) {
    const { proposed } = synthesis;
    lines.push(
      '',
      proposed.length > 0
        ? `**Follow-up questions the synthesis proposes**, each a worker in the plan (${proposed.join(', ')}): reply \`/approve\` to investigate them, or \`/skip follow-ups\` to open the final pull request without them.`
        : '**Follow-up questions the synthesis proposes** (not added to the plan as workers; label a new issue to investigate one):',
      '',
      ...synthesis.follow_up.map((item, i) => {
        const id = proposed[i] ? `${proposed[i]} ` : '';
        return `- ${id}**${neutralizeModelText(item.title)}**: ${neutralizeModelText(item.question).replace(/\s*\n\s*/g, ' ')}`;
      }),
    );
  }
  // The marker after the text, which is made free of images and raw HTML as placed (`fitBody`).
  return fitBody(lines.join('\n'), marker);
}

async function findCommentWith(
  api: GitHubApi,
  base: string,
  marker: string,
): Promise<number | null> {
  for (let page = 1; page <= COMMENT_PAGES_MAX; page++) {
    const listed = z
      .array(ListedComment)
      .parse(await api.request('GET', `${base}?per_page=100&page=${page}`));
    const found = listed.find(
      (comment) => comment.user?.type === 'Bot' && (comment.body ?? '').includes(marker),
    );
    if (found) return found.id;
    if (listed.length < 100) break;
  }
  return null;
}
