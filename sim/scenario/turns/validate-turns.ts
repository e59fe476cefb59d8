import { say, type TurnAnswer, type TurnInput, toolFailure, unexpected } from './turn.js';

/**
 * A `validate` session, asked only after the contract's command failed: reads
 * the contract, then names the failing checks the scenario gives for its
 * milestone (none given: the check `command`, the command itself failing).
 */
export function validateTurn(input: TurnInput): TurnAnswer {
  const { request, scenario } = input;
  const failure = toolFailure(input);
  if (failure) return failure;
  const milestone = request.milestone;
  if (milestone === null) return unexpected(input, 'the first message names no milestone');
  switch (request.turn) {
    case 0:
      return say(
        'I will read the contract and the checks it names first.',
        input.call('read_file', { path: `.baton/builds/${request.build}/contract.json` }),
      );
    case 1:
      return say(
        'The output shows which checks failed.',
        input.call('submit_validation', {
          failures: scenario.validation?.[milestone] ?? [
            { check: 'command', brief: "The contract's command fails before any check runs." },
          ],
        }),
      );
    default:
      return unexpected(input, 'the validation was submitted already, yet the session goes on');
  }
}
