import {
  afterReport,
  say,
  type TurnAnswer,
  type TurnInput,
  toolFailure,
  unexpected,
} from './turn.js';

/**
 * A `synthesis` session: reads the skill and lists the findings, reads each
 * of them (a later synthesis the follow-up workers' too), then submits the
 * scenario's report and summary; only the first proposes follow-up questions.
 */
export function synthesisTurn(input: TurnInput): TurnAnswer {
  const { request, scenario } = input;
  const failure = toolFailure(input);
  if (failure) return failure;
  const synthesis = scenario.synthesis;
  if (!synthesis) return unexpected(input, 'the scenario has no synthesis');
  const findings = `.baton/builds/${request.build}/findings`;
  switch (request.turn) {
    case 0:
      return say(
        'I will read the synthesis skill and list the findings first.',
        ...(request.paths.skill ? [input.call('read_file', { path: request.paths.skill })] : []),
        input.call('list_files', { path: findings, depth: 1 }),
      );
    case 1:
      return say(
        'Now every worker’s findings.',
        ...scenario.workers
          .filter((worker) => (worker.followUp ?? 0) < input.ordinal)
          .map((worker) => input.call('read_file', { path: `${findings}/${worker.id}.md` })),
      );
    case 2:
      return say(
        'The findings agree; writing the report.',
        input.call('submit_synthesis', {
          report: input.ordinal === 1 ? synthesis.report : withFollowUps(input),
          summary: synthesis.summary,
          follow_up: input.ordinal === 1 ? (synthesis.follow_up ?? []) : [],
        }),
      );
    default:
      return afterReport(input);
  }
}

/** A later synthesis's report: the first one with a section on the follow-up findings. */
function withFollowUps(input: TurnInput): string {
  const { scenario, ordinal } = input;
  const answered = scenario.workers.filter((worker) => (worker.followUp ?? 0) === ordinal - 1);
  return [
    scenario.synthesis?.report ?? '',
    '',
    '## Follow-up questions',
    '',
    ...answered.map(
      (worker) => `- ${worker.title}: ${worker.summary} See findings/${worker.id}.md.`,
    ),
  ].join('\n');
}
