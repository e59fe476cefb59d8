import { withBuild } from '../scenario.js';
import {
  commandFailed,
  createCall,
  resultOf,
  say,
  type TurnAnswer,
  type TurnInput,
  turnWorker,
  unexpected,
  viewCall,
  workerFiles,
} from './turn.js';
import { impossibleHandIn } from './work-turns.js';

/**
 * A `contract` session (docs/verification.md): reads its brief, writes the
 * checks the scenario's contract worker names, runs them and sees them fail
 * (the workers have written nothing yet), then hands in its report and the
 * contract through `submit_contract`.
 */
export function contractTurn(input: TurnInput): TurnAnswer {
  const { request } = input;
  const worker = turnWorker(input, 'a contract session of no worker');
  if (!('id' in worker)) return worker;
  if (!worker.contract) return unexpected(input, `${worker.id} has no contract in the scenario`);
  const files = workerFiles(input, worker);
  const command = withBuild(worker.check, request.build);
  if (worker.failures?.[input.ordinal - 1] === 'impossible') {
    // A criterion no check can prove: it reads its brief, and says so before writing any.
    if (request.turn === 0)
      return say(
        'I will read the brief and the criteria first.',
        viewCall(input, request.paths.brief ?? ''),
      );
    if (request.turn === 1)
      return say(
        'A criterion here no code can meet; no check of it could be honest.',
        impossibleHandIn(input, 'submit_contract', worker, ''),
      );
    return unexpected(input, 'the contract session said impossible already, yet it goes on');
  }
  switch (request.turn) {
    case 0:
      return say(
        'I will read the brief and the criteria first.',
        viewCall(input, request.paths.brief ?? ''),
      );
    case 1:
      return say(
        `One check per criterion, where the repository keeps its tests: ${files.map(([path]) => `\`${path}\``).join(', ')}.`,
        ...files.map(([path, file_text]) => createCall(input, path, file_text)),
      );
    case 2:
      return say('Running the checks: they must fail now.', input.call('bash', { command }));
    case 3: {
      const output = resultOf(input, 'bash');
      // A check marked as expected to fail says so in the runner's report (TAP's `not ok … # TODO`);
      // Vitest's `it.fails` passes where its check fails, and fails the command where it passes.
      const failsMarked = files.every(([, text]) => /\bit\.fails\(/.test(text));
      if (!commandFailed(output) && !/^\s*not ok /m.test(output ?? '') && !failsMarked)
        return unexpected(input, `the checks pass before any worker wrote the code:\n${output}`);
      return say(
        'Every check fails for the reason its criterion is not met yet.',
        input.call('submit_contract', {
          status: 'complete',
          summary: worker.summary,
          artifacts: files.map(([path]) => path),
          learnings: [],
          concerns: [],
          decisions: [],
          follow_up: [],
          affects: [],
          contract: {
            command,
            files: files.map(([path]) => path),
            checks: worker.contract.checks.map((check) => ({
              ...check,
              file: withBuild(check.file, request.build),
            })),
            unchecked: worker.contract.unchecked ?? [],
          },
        }),
      );
    }
    default:
      return unexpected(input, 'the contract was handed in already, yet the session goes on');
  }
}
