import { say, type TurnAnswer, type TurnInput, toolFailure, unexpected } from './turn.js';

/**
 * A `learn` session the scenario asked for: it proposes no lesson. A build of
 * the simulator has no person's corrections, so its learn session ends before
 * any model call; a turn here means it found some.
 */
export function learnTurn(input: TurnInput): TurnAnswer {
  const failure = toolFailure(input);
  if (failure) return failure;
  if (input.request.turn > 0) return unexpected(input, 'a learn session hands in at once');
  return say(
    'These corrections were about this build alone: no lesson.',
    input.call('submit_lessons', { lessons: [] }),
  );
}
