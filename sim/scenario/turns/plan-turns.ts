import { isContractWorker } from '../../../src/core/plan/contract.js';
import { waveOf } from '../../../src/core/plan/plan.js';
import { renderBriefBody } from '../scenario.js';
import { say, type TurnAnswer, type TurnInput, toolFailure, unexpected } from './turn.js';

/**
 * A `plan` session: reads the skill and lists the repository, reads the files
 * the plan builds on, then submits the scenario's workers with full briefs.
 */
export function planTurn(input: TurnInput): TurnAnswer {
  const { request, scenario } = input;
  const failure = toolFailure(input);
  if (failure) return failure;
  if (request.adapt) return adaptTurn(input, request.adapt);
  switch (request.turn) {
    case 0:
      return say(
        'I will read the planning skill and look at how the repository is laid out before I split the work.',
        ...(request.paths.skill ? [input.call('read_file', { path: request.paths.skill })] : []),
        input.call('list_files', { path: '.', depth: 2 }),
      );
    case 1:
      return say(
        'Now the files the change builds on.',
        ...(scenario.plan.reads ?? ['README.md']).map((path) => input.call('read_file', { path })),
      );
    case 2: {
      const loop = request.loop;
      // The contract's workers are the plan session's code's to add, never the planner's.
      const workers = scenario.workers.filter(
        (worker) =>
          (worker.loop ?? null) === loop &&
          worker.followUp === undefined &&
          !isContractWorker(worker.id) &&
          worker.fix === undefined,
      );
      // Criteria only where the scenario plays them, so other scenarios' plans stay as they were.
      const criteria =
        scenario.plan.criteria !== undefined ||
        scenario.workers.some((worker) => isContractWorker(worker.id));
      // A loop's plan numbers from W1.1, as the prompt says; Baton moves it after earlier loops.
      const offset = Math.min(...workers.map((worker) => waveOf(worker.id))) - 1;
      const local = (id: string) => `W${waveOf(id) - offset}${id.slice(id.indexOf('.'))}`;
      const plan = (loop !== null && scenario.loops?.[loop - 1]?.plan) || scenario.plan;
      return say(
        `The ${loop === null ? 'issue' : 'findings'} split into ${workers.length} workers; each brief names its files and how to check them.`,
        input.call('submit_plan', {
          title: plan.title,
          summary: plan.summary,
          ...(scenario.plan.type ? { type: scenario.plan.type } : {}),
          ...(scenario.plan.criteria ? { criteria: scenario.plan.criteria } : {}),
          workers: workers.map((worker) => ({
            id: local(worker.id),
            title: worker.title,
            depends_on: (worker.depends_on ?? []).map(local),
            complexity: worker.complexity ?? 'normal',
            ...(worker.engine ? { engine: worker.engine } : {}),
            ...(worker.repository ? { repository: worker.repository } : {}),
            ...(request.subIssues[worker.id] ? { sub_issue: request.subIssues[worker.id] } : {}),
            brief: renderBriefBody(worker, request.build),
            ...(criteria && worker.criteria.length > 0 ? { criteria: worker.criteria } : {}),
            ...(scenario.plan.type === 'content' ? { outputs: Object.keys(worker.files) } : {}),
          })),
        }),
      );
    }
    default:
      return unexpected(input, 'the plan was submitted already, yet the session goes on');
  }
}

/**
 * A `plan` session in adapt mode: reads the merged worker's report and the
 * briefs it may revise, then submits the scenario's new bodies for those.
 */
function adaptTurn(
  input: TurnInput,
  adapt: NonNullable<TurnInput['request']['adapt']>,
): TurnAnswer {
  const revised = input.scenario.adaptations?.[adapt.source] ?? {};
  switch (input.request.turn) {
    case 0:
      return say(
        `I will read ${adapt.source}'s report and the briefs it affects.`,
        input.call('read_file', { path: adapt.completion }),
        ...adapt.briefs.map((brief) => input.call('read_file', { path: brief.path })),
      );
    case 1:
      return say(
        `${adapt.source}'s learnings change what these workers must know; revising their briefs.`,
        input.call('submit_adaptation', {
          briefs: adapt.briefs.flatMap(({ worker }) =>
            revised[worker] ? [{ worker, brief: revised[worker] }] : [],
          ),
        }),
      );
    default:
      return unexpected(input, 'the adaptation was submitted already, yet the session goes on');
  }
}
