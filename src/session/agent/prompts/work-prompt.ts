import { pathLine } from './system-prompt.js';

/** The first message of a `work` or `fix` session: everything by path, feedback quoted. */
export function renderWorkPrompt({
  worker,
  build,
  repository,
  brief,
  skill,
  dependencies,
  fix,
  retry = null,
  messages = null,
  contract = null,
  scope = [],
}: {
  worker: string;
  build: string;
  repository: string;
  brief: string;
  skill: { path: string; present: boolean };
  /** Completion report paths of the workers this one builds on. */
  dependencies: readonly { path: string; present: boolean }[];
  fix: { pr: number; completion: string | null; feedback: string } | null;
  /** A new attempt after a failed one: the `/retry` comment, quoted. */
  retry?: string | null;
  /** The messages people left this worker (`/queue`, a `/steer` no session took), quoted. */
  messages?: string | null;
  /** What a research or content worker may write (`scopeLines`); empty in a code build. */
  scope?: readonly string[];
  /** The contract's worker's task and hand-in (`contractPromptLines`), in place of a worker's. */
  contract?: readonly string[] | null;
}): string {
  const lines = [
    `You are worker ${worker} of build \`${build}\` in ${repository}.`,
    '',
    `Your brief: \`${brief}\`. Read it first; it is self-contained (mission, output paths, requirements, success criteria).`,
    `How to work here: the skill ${pathLine(skill.path, skill.present)}.`,
    ...scope,
  ];
  if (dependencies.length > 0) {
    lines.push(
      'The reports of the workers yours builds on:',
      ...dependencies.map((d) => `- ${pathLine(d.path, d.present)}`),
    );
  }
  if (fix) {
    lines.push(
      '',
      `This session revises pull request #${fix.pr}, which holds your earlier work on this branch.`,
      ...(fix.completion
        ? [`Your earlier report: \`${fix.completion}\`; your new submission replaces it.`]
        : []),
      '',
      fix.feedback,
    );
  }
  if (retry) {
    lines.push(
      '',
      'An earlier attempt at this worker failed; this one starts over from the build branch.',
      '',
      retry,
    );
  }
  if (messages) lines.push('', messages);
  if (contract) {
    lines.push(...contract);
    return lines.join('\n');
  }
  lines.push(
    '',
    'When the success criteria are met (run the checks the brief and the repository name), call submit_completion.',
    'If you cannot finish, call it with status "blocked" (you need something from people) or "failed", and say why in the summary.',
    'If a criterion cannot be met at all (it contradicts your brief, another criterion, or the code you were given), do not make its check pass some other way: call it with status "impossible" and impossible (the criteria by id, the reason, the evidence: paths with lines, commands with what they printed). Baton stops there and asks a person.',
    'If Baton tells you a limit is near, call it with status "partial" and a handoff (what is done, what is left, what you were about to try): your work is kept and the next session starts from it.',
    'If what you learned changes what a later worker of the plan must do (a different API, a pitfall, a moved file), put the learning in learnings and name that worker in affects: its brief is revised before it starts.',
  );
  return lines.join('\n');
}
