import { workerFindingsPath } from '../../../core/ids.js';
import type { BuildType } from '../../../core/plan.js';
import { quoteUntrusted } from './quote-untrusted.js';
import { pathLine } from './system-prompt.js';

/** Issue text and feedback are quoted, capped: they are input, and can be long. */
const MAX_QUOTED = 24_000;

/** The first message of a `plan` session: the skill by path, the issue and any feedback quoted. */
export function renderPlanPrompt({
  build,
  repository,
  issue,
  feedback,
  skill,
  previousPlan,
  buildDir,
  labelled = 'code',
}: {
  build: string;
  repository: string;
  issue: { number: number; title: string; body: string };
  feedback: { author: string; body: string } | null;
  skill: { path: string; present: boolean };
  previousPlan: string | null;
  buildDir: string;
  /** The type the issue's label asks for; `code` leaves it to the plan. */
  labelled?: BuildType;
}): string {
  const lines = [
    `Plan build \`${build}\` of ${repository}, for issue #${issue.number}.`,
    '',
    `Read the skill first: ${pathLine(skill.path, skill.present)}.`,
    'Explore the repository with read_file, list_files and search before you decide.',
    '',
    `Issue #${issue.number}, its title and description as quoted data:`,
    quoteUntrusted({
      tag: 'issue',
      text: `${issue.title}\n\n${issue.body.trim() || '(no description)'}`,
      maxChars: MAX_QUOTED,
    }),
  ];
  if (feedback) {
    lines.push(
      '',
      `This is a new plan. The previous one is at \`${previousPlan ?? `${buildDir}/plan.json`}\`, and @${feedback.author} asked for changes:`,
      quoteUntrusted({ tag: 'feedback', text: feedback.body, maxChars: MAX_QUOTED }),
    );
  } else if (previousPlan) {
    lines.push('', `A previous plan is at \`${previousPlan}\`; this one replaces it.`);
  }
  lines.push(
    '',
    'Then call submit_plan with the title, a summary, and every worker with its brief body.',
    `Baton writes \`${buildDir}/plan.json\`, \`${buildDir}/PLAN.md\` and one \`${buildDir}/workers/<id>.md\` per worker (front matter from your fields, body from your brief), and commits them.`,
    'Each worker sees only its brief and the repository: put in the brief what it must know, and point to files by path instead of copying them.',
    '',
    ...typeLines(build, labelled),
  );
  return lines.join('\n');
}

/** What the build type asks of the plan. */
function typeLines(build: string, labelled: BuildType): string[] {
  switch (labelled) {
    case 'research':
      return [
        'The issue is labelled for a research build: set type to research.',
        `Give each worker one separate question. It writes its findings to \`${workerFindingsPath(build, '<id>')}\` (question, confidence, sources, then the answer) and changes nothing else; a synthesis session writes the report once all are merged.`,
      ];
    case 'content':
      return [
        'The issue is labelled for a content build: set type to content.',
        "List each worker's files in its outputs; it may write those and nothing else. Name the repository's style guide in the briefs if it keeps one (.baton/style.md).",
      ];
    case 'code':
      return [
        'Set type to research or content only when the issue asks for findings or documents rather than code; leave it out for a code build.',
      ];
    default: {
      const _exhaustive: never = labelled;
      return _exhaustive;
    }
  }
}
