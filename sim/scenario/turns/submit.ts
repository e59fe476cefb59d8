import { type ScenarioWorker, withBuild } from '../scenario.js';
import type { TurnInput } from './turn.js';

/** `submit_completion` with the worker's report; `summary` replaces the scenario's when given. */
export function submit(
  input: TurnInput,
  worker: ScenarioWorker,
  summary = worker.summary,
  build = input.request.build,
): ReturnType<TurnInput['call']> {
  return input.call('submit_completion', {
    status: 'complete',
    summary,
    artifacts: Object.keys(worker.files).map((path) => withBuild(path, build)),
    learnings: worker.learnings ?? [],
    concerns: worker.concerns ?? [],
    decisions: worker.decisions ?? [],
    follow_up: worker.follow_up ?? [],
    affects: worker.affects ?? [],
    ...appliedLessons(input),
  });
}

/**
 * The lessons the session's first message gives (`### Lesson \`slug\``), which a scripted
 * worker follows and so names as applied in its report; none given, none named.
 */
export function appliedLessons(input: TurnInput): { lessons?: string[] } {
  const slugs = [...input.request.key.matchAll(/^### Lesson `([a-z0-9-]+)`$/gm)].flatMap((match) =>
    match[1] ? [match[1]] : [],
  );
  return slugs.length > 0 ? { lessons: slugs } : {};
}

/** The worker as it writes: `followed`'s files when its first message gives that lesson. */
export function asWritten(input: TurnInput, worker: ScenarioWorker): ScenarioWorker {
  const { followed } = worker;
  const given = appliedLessons(input).lessons ?? [];
  return followed && given.includes(followed.lesson)
    ? { ...worker, files: followed.files }
    : worker;
}
