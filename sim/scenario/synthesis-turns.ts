import { say, type TurnAnswer, type TurnInput, toolFailure, unexpected } from './turn.js';

/**
 * A `synthesis` session: reads the skill and lists the findings, reads each
 * of them, then submits the scenario's report and summary.
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
        ...scenario.workers.map((worker) =>
          input.call('read_file', { path: `${findings}/${worker.id}.md` }),
        ),
      );
    case 2:
      return say(
        'The findings agree; writing the report.',
        input.call('submit_synthesis', {
          report: synthesis.report,
          summary: synthesis.summary,
          follow_up: synthesis.follow_up ?? [],
        }),
      );
    default:
      return unexpected(input, 'the report was submitted already, yet the session goes on');
  }
}
