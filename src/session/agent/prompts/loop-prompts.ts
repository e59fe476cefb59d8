import { quoteUntrusted } from './quote-untrusted.js';
import { pathLine } from './system-prompt.js';

/** The focus and the previous summary are quoted, capped: they are input. */
const MAX_QUOTED = 12_000;

/**
 * The first message of an improvement loop's `research` session: the focus
 * from the `/improve` comment and the previous loop's summary, quoted. Never
 * an earlier loop's findings or the whole history: the summary is the memory.
 */
export function renderResearchPrompt({
  build,
  repository,
  loop,
  issue,
  focus,
  previousSummary,
  skill,
}: {
  build: string;
  repository: string;
  loop: number;
  issue: { number: number; title: string };
  focus: { author: string; body: string } | null;
  /** The previous loop's summary: its path and text; null in loop 1. */
  previousSummary: { path: string; text: string } | null;
  skill: { path: string; present: boolean };
}): string {
  const lines = [
    `Research improvement loop ${loop} of build \`${build}\` in ${repository}, for issue #${issue.number}; its title, quoted data:`,
    quoteUntrusted({ tag: 'issue-title', text: issue.title, maxChars: 200 }),
    '',
    `Read the skill if there is one: ${pathLine(skill.path, skill.present)}.`,
    'Study the repository with read_file, list_files and search, and find the improvements most worth making now.',
  ];
  if (focus) {
    lines.push(
      '',
      focus.author === 'the issue'
        ? 'These loops were asked for by labelling the issue; its text is the focus, quoted data:'
        : `@${focus.author} asked for these loops with this comment; its focus is quoted data:`,
      quoteUntrusted({ tag: 'focus', text: focus.body, maxChars: MAX_QUOTED }),
    );
  }
  if (previousSummary) {
    lines.push(
      '',
      `Loop ${loop - 1} ended with this summary (\`${previousSummary.path}\`): what changed, what was learned, what is left.`,
      quoteUntrusted({ tag: 'summary', text: previousSummary.text, maxChars: MAX_QUOTED }),
    );
  }
  lines.push(
    '',
    'Then call submit_research with your findings in markdown: each improvement with where it is (paths), why it matters, and how to tell it is done; most valuable first.',
    'A plan session turns them into workers. If nothing is worth another loop, set nothing_worth_doing to true and say why in the findings: the series then ends.',
  );
  return lines.join('\n');
}

/** The first message of an improvement loop's `summary` session: the loop's files, by path. */
export function renderSummaryPrompt({
  build,
  repository,
  loop,
  findings,
  completions,
  skill,
}: {
  build: string;
  repository: string;
  loop: number;
  findings: string;
  /** The completion report of each of the loop's workers, by path. */
  completions: { worker: string; path: string; present: boolean }[];
  skill: { path: string; present: boolean };
}): string {
  return [
    `Summarise improvement loop ${loop} of build \`${build}\` in ${repository}. Its workers are merged into the build branch, which is checked out here.`,
    '',
    `Read the skill if there is one: ${pathLine(skill.path, skill.present)}.`,
    `The loop's findings: \`${findings}\`.`,
    "The loop's workers' completion reports:",
    ...(completions.length > 0
      ? completions.map((c) => `- ${c.worker}: ${pathLine(c.path, c.present)}`)
      : ['- (none)']),
    '',
    'Call submit_summary with a summary of a few hundred words in markdown: what changed, what was learned, what is left.',
    "The next loop's research reads only this summary, not the findings or the reports: put in it what that session must know.",
  ].join('\n');
}
