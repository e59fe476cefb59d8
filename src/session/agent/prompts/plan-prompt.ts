import type { BuildType } from '../../../core/plan/plan.js';
import { workerFindingsPath } from '../../../core/vocabulary/ids.js';
import { quoteUntrusted } from './quote-untrusted.js';
import { pathLine } from './system-prompt.js';

/** Issue text and feedback are quoted, capped: they are input, and can be long. */
const MAX_QUOTED = 24_000;

/** A worker that a sub-issue dictates, and the sub-issue's description. */
export interface SubIssuePromptWorker {
  id: string;
  sub_issue: number;
  title: string;
  depends_on: string[];
  description: string;
}

/**
 * The sub-issues fix the plan: which workers, their ids and dependencies (from
 * GitHub's "blocked by" links). The session only fills in what a brief lacks.
 */
function subIssueLines(workers: SubIssuePromptWorker[]): string[] {
  return [
    `The issue has sub-issues, and they are the plan: submit exactly these ${workers.length} workers, with these ids, sub_issue numbers and depends_on (Baton checks them against GitHub):`,
    ...workers.map(
      (w) => `- ${w.id}: sub_issue ${w.sub_issue}, depends_on [${w.depends_on.join(', ')}]`,
    ),
    '',
    'Each brief begins with its sub-issue\'s description, which Baton copies in unchanged; your `brief` is added below it under "Filled in by the plan session". Add only what the description lacks: output paths, context, success criteria as "- [ ]" checkboxes, what to report back. Do not restate or change the task.',
    ...workers.flatMap((w) => [
      '',
      `Sub-issue #${w.sub_issue} (${w.id}), its title and description as quoted data:`,
      quoteUntrusted({
        tag: 'sub-issue',
        text: `${w.title}\n\n${w.description || '(no description)'}`,
        maxChars: MAX_QUOTED,
      }),
    ]),
  ];
}

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
  subIssues = null,
  loop = null,
  engines = null,
  repositories = [],
  contract = false,
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
  /** When the issue has sub-issues: the workers they make, fixed, each with its description. */
  subIssues?: SubIssuePromptWorker[] | null;
  /** An improvement loop: its findings are what to plan, by path. */
  loop?: { loop: number; findings: string; earlier: boolean } | null;
  /** When the configuration allows more than one engine: the workers' default, and what a worker may ask for. */
  engines?: { work: string; allow: readonly string[] } | null;
  /**
   * A change set (docs/change-sets.md): the other repositories this plan may give
   * workers to, each with where its read-only copy is.
   */
  repositories?: { repository: string; at: string }[];
  /** Whether Baton adds the contract's worker to a plan with criteria (`checkPlanSubmission`'s `contract`). */
  contract?: boolean;
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
  if (loop) {
    lines.push(
      '',
      `This is improvement loop ${loop.loop}. Plan the work its research found: read \`${loop.findings}\` and turn it into workers.`,
      `Number this loop's workers from W1.1, as in any plan; Baton adds them after ${loop.earlier ? "the earlier loops' workers (already merged; do not plan them again)" : 'nothing: this is the first plan of the build'} and renumbers their waves.`,
    );
  }
  if (feedback) {
    lines.push(
      '',
      `This is a new plan. The previous one is at \`${previousPlan ?? `${buildDir}/plan.json`}\`, and @${feedback.author} asked for changes:`,
      quoteUntrusted({ tag: 'feedback', text: feedback.body, maxChars: MAX_QUOTED }),
    );
  } else if (previousPlan) {
    lines.push('', `A previous plan is at \`${previousPlan}\`; this one replaces it.`);
  }
  if (subIssues) lines.push('', ...subIssueLines(subIssues));
  if (repositories.length > 0) lines.push('', ...repositoryLines(repository, repositories));
  lines.push(
    '',
    'Then call submit_plan with the title, a summary, and every worker with its brief body.',
    `Baton writes \`${buildDir}/plan.json\`, \`${buildDir}/PLAN.md\` and one \`${buildDir}/workers/<id>.md\` per worker (front matter from your fields, body from your brief), and commits them.`,
    'Each worker sees only its brief and the repository: put in the brief what it must know, and point to files by path instead of copying them.',
    'Give each worker its acceptance criteria in `criteria`, and the build as a whole its own in the plan\'s `criteria`: what must be true when the work is done, each a sentence a test can pass or fail on ("GET /health answers 200 with the build\'s version", not "the code is clean").',
    ...(contract
      ? [
          "Where the plan has criteria, Baton adds the contract's worker W0.1 itself: it writes a check for every criterion before any other worker starts, and every worker of wave 1 waits for it. Number your workers from W1.1 and do not plan W0.1.",
          ...(repositories.length > 0
            ? [
                "Each repository gets a contract of its own (W0.1, W0.2 …, Baton's): a worker's criteria are checked in its repository, so give a worker only criteria its own repository's tests can judge. A build criterion is checked in the repository that lands last among those it names as owner/name (among all of them where it names none): name the repository whose tests can run it.",
              ]
            : []),
        ]
      : []),
    ...(engines && engines.allow.length > 1
      ? [
          `Workers run on the coding engine ${engines.work} unless you give one an \`engine\`: one of ${engines.allow.join(', ')}.`,
        ]
      : []),
    '',
    ...typeLines(build, labelled),
  );
  return lines.join('\n');
}

/**
 * A change set's other repositories: read-only copies to explore, and a
 * worker's `repository` for work that belongs there.
 */
function repositoryLines(
  home: string,
  repositories: { repository: string; at: string }[],
): string[] {
  return [
    `This build may change other repositories besides ${home}: a change set, one build across them. Each is readable here (read-only, its default branch):`,
    ...repositories.map(({ repository, at }) => `- ${repository} at \`${at}\``),
    `Give a worker \`repository\` (owner/name, one listed above) when its work belongs in that repository; left out, it works in ${home}. A worker runs in its repository's Actions and sees only that repository and its brief: its brief must stand alone there. A worker may depend on a worker of another repository; it then starts once that one is merged in its own repository, and reads its report. Keep the repositories' dependencies one way (a library before the services that use it): their final pull requests land in that order.`,
  ];
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
