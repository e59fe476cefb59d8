import { say, type TurnAnswer, type TurnInput, toolFailure, unexpected } from './turn.js';

/**
 * A `learn` session the scenario asked for: it proposes the scenario's lessons
 * (`Scenario.learn`), each linking every correction its first message lists,
 * or none. A build of the simulator without a person's corrections ends its
 * learn session before any model call; a turn here means it found some.
 */
export function learnTurn(input: TurnInput): TurnAnswer {
  const failure = toolFailure(input);
  if (failure) return failure;
  if (input.request.turn > 0) return unexpected(input, 'a learn session hands in at once');
  const lessons = input.scenario.learn ?? [];
  if (lessons.length === 0)
    return say(
      'These corrections were about this build alone: no lesson.',
      input.call('submit_lessons', { lessons: [] }),
    );
  const evidence = [
    ...new Set([...input.request.key.matchAll(/^Link: (\S+)$/gm)].map((match) => match[1])),
  ];
  if (evidence.length === 0) return unexpected(input, 'the first message links no correction');
  return say(
    `The corrections ask for the same thing each time: ${lessons.length} lesson.`,
    input.call('submit_lessons', { lessons: lessons.map((lesson) => ({ ...lesson, evidence })) }),
  );
}
