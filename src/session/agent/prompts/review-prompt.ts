import type { TestRun } from '../../../core/completion.js';
import type { PullFile } from '../github-reads.js';
import { pathLine } from './system-prompt.js';

const MAX_LISTED_FILES = 300;

/** The first message of a `review` session: the PR by number, the brief and skill by path, the diff by tool. */
export function renderReviewPrompt({
  pr,
  head,
  worker,
  build,
  brief,
  skill,
  files,
  styleGuide,
  tests = null,
}: {
  pr: number;
  head: string;
  worker: string | null;
  build: string;
  brief: { path: string; present: boolean } | null;
  skill: { path: string; present: boolean };
  files: readonly PullFile[];
  /** A content build's style guide, from the default branch. */
  styleGuide?: { path: string; present: boolean };
  /** The worker's tests as its session last ran them, from its report (`completions/<id>.json`). */
  tests?: { run: TestRun | null; report: string } | null;
}): string {
  const listed = files
    .slice(0, MAX_LISTED_FILES)
    .map((f) => `- ${f.status} \`${f.filename}\` (+${f.additions} −${f.deletions})`);
  if (files.length > MAX_LISTED_FILES)
    listed.push(
      `- … and ${files.length - MAX_LISTED_FILES} more (get_diff without a path lists them all)`,
    );
  return [
    `Review pull request #${pr}${worker ? ` of worker ${worker}` : ''} in build \`${build}\`, at head ${head}.`,
    '',
    `How to review: the skill ${pathLine(skill.path, skill.present)}.`,
    ...(brief
      ? [`What the worker was asked: its brief ${pathLine(brief.path, brief.present)}.`]
      : []),
    ...(styleGuide
      ? [
          `Check the documents against the repository's style guide ${pathLine(styleGuide.path, styleGuide.present)}.`,
        ]
      : []),
    'The checkout is the pull request head: read any file for context.',
    ...(tests ? [testsLine(tests)] : []),
    '',
    `Changed files (${files.length}); get_diff with a path shows that file's patch:`,
    ...listed,
    '',
    'Then call submit_review with your verdict, a body, and inline comments on lines of the diff:',
    'line is the line number in the file, side RIGHT for the new version (added or unchanged lines), LEFT for removed lines.',
    'Comments on lines outside the diff are moved into the body.',
  ].join('\n');
}

/** What the review is told of the worker's tests: by path, never the output itself. */
function testsLine({ run, report }: { run: TestRun | null; report: string }): string {
  if (!run)
    return `Tests: the worker's report \`${report}\` says nothing of them; run none yourself, judge by reading.`;
  const command = run.command ? `\`${run.command.replaceAll('`', '')}\`` : 'no command';
  switch (run.status) {
    case 'passed':
      return `Tests: the work session ran ${command} before handing in, and they passed.`;
    case 'failed':
      return `Tests: the work session ran ${command} before handing in, and they FAILED; the end of their output is under \`tests.detail\` in \`${report}\`. Say whether this change is what breaks them.`;
    case 'not-run':
      return `Tests: not run by the work session (the reason is under \`tests.detail\` in \`${report}\`).`;
    default: {
      const _exhaustive: never = run.status;
      return _exhaustive;
    }
  }
}
