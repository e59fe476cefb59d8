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
  });
}
