import { CONTRACT_WORKER } from '../../../src/core/plan/contract.js';
import { type Scenario, type ScenarioWorker, STRAY_CODE, withBuild } from '../scenario.js';
import { asWritten, submit } from './submit.js';
import { talkWorkTurn } from './talk-turns.js';
import {
  afterReport,
  createCall,
  EDITOR,
  reportIfPassed,
  resultOf,
  say,
  type TurnAnswer,
  type TurnInput,
  turnWorker,
  unexpected,
  viewCall,
  workerFiles,
} from './turn.js';

/**
 * A `work` session: reads its brief (and the reports of the workers it builds
 * on), writes its files with the editor, runs its check with bash, and submits
 * its report. An attempt the scenario fails either submits `failed` after
 * writing part of the work, or meets an API error halfway.
 */
export function workTurn(input: TurnInput): TurnAnswer {
  const { request } = input;
  const found = turnWorker(input, 'a work session of no worker');
  if (!('id' in found)) return found;
  const worker = asWritten(input, found);
  if (worker.talk) return talkWorkTurn(input, worker, worker.talk);
  const planned = worker.failures?.[input.ordinal - 1];
  if (planned === 'impossible') return impossibleTurn(input, worker);
  // A code change, a weakened contract or an attack is no failure the model knows of: it delivers, and publish judges.
  const fails =
    planned === 'code-change' || planned === 'weaken-contract' || planned === 'attack'
      ? undefined
      : planned;
  const weakened =
    planned === 'weaken-contract' ? contractFileOfAnother(input.scenario, worker) : null;
  const attack = planned === 'attack' ? worker.attack : undefined;
  if (planned === 'attack' && !attack) return unexpected(input, `${worker.id} has no attack`);
  const files = attack
    ? workerFiles(input, { ...worker, files: attack.files })
    : [
        ...workerFiles(input, worker),
        ...(planned === 'code-change'
          ? [[STRAY_CODE.path, STRAY_CODE.text] as [string, string]]
          : []),
      ];
  const check = withBuild(attack?.check ?? worker.check, request.build);
  const marks = ownMarks(input.scenario, worker).filter(({ path }) => !attack?.files[path]);
  switch (request.turn) {
    case 0:
      return say(
        `I will read ${request.paths.dependencies.length ? 'my brief, the skill and the reports of the workers mine builds on' : 'my brief and the skill'} first.`,
        viewCall(input, request.paths.brief ?? ''),
        ...(request.paths.skill ? [viewCall(input, request.paths.skill)] : []),
        ...request.paths.dependencies.map((path) => viewCall(input, path)),
      );
    case 1:
      if (fails === 'error') {
        return {
          error: {
            status: 400,
            type: 'invalid_request_error',
            message: 'prompt is too long: 212480 tokens > 200000 maximum',
          },
        };
      }
      return withWebSearch(
        worker,
        say(
          `The brief asks for ${files.map(([path]) => `\`${path}\``).join(', ')}; writing ${fails ? 'the first of them' : 'them'} now.`,
          ...(fails ? files.slice(0, 1) : files).map(([path, file_text]) =>
            createCall(input, path, file_text),
          ),
          ...marks.map(({ path, line, unmarked }) =>
            input.call(EDITOR, { command: 'str_replace', path, old_str: line, new_str: unmarked }),
          ),
          ...(weakened
            ? [input.call('bash', { command: `rm ${weakened} && echo removed ${weakened}` })]
            : []),
        ),
      );
    case 2:
      return say('Running the check the brief names.', input.call('bash', { command: check }));
    case 3: {
      if (fails) return submitFailed(input, worker, resultOf(input, 'bash') ?? '');
      return reportIfPassed(input, 'The check passes; every success criterion is met.', () =>
        attack
          ? submit(input, { ...worker, files: attack.files }, attack.summary, request.build)
          : submit(input, worker, worker.summary, request.build),
      );
    }
    default:
      return afterReport(input);
  }
}

/**
 * The marks of this worker's own contract checks, which it removes once its
 * code makes them pass (publish refuses work handed in complete with one left,
 * docs/verification.md): node:test's `{ todo: "<criterion>" }, ` on each check
 * of its criteria, in the contract worker's files (a file the worker writes
 * whole itself is left to it).
 */
function ownMarks(
  scenario: Scenario,
  worker: ScenarioWorker,
): { path: string; line: string; unmarked: string }[] {
  const contract = scenario.workers.find((one) => one.id === CONTRACT_WORKER);
  return (contract?.contract?.checks ?? []).flatMap((check) => {
    const mark = `{ todo: ${JSON.stringify(check.criterion)} }, `;
    const own = check.criterion.startsWith(`${worker.id}:`);
    // The whole line the mark stands on: an engine that edits by patch (Codex) matches whole lines.
    const line = contract?.files[check.file]?.split('\n').find((one) => one.includes(mark));
    return own && line !== undefined && !(check.file in worker.files)
      ? [{ path: check.file, line, unmarked: line.replace(mark, '') }]
      : [];
  });
}

/** A file of the contract worker's checks that is not this worker's own (its name holds no `W1.2`). */
function contractFileOfAnother(scenario: Scenario, worker: ScenarioWorker): string | null {
  const contract = scenario.workers.find((one) => one.id === CONTRACT_WORKER);
  return Object.keys(contract?.files ?? {}).find((path) => !path.includes(worker.id)) ?? null;
}

let nextSearch = 1;

/**
 * A reply that starts with a web search the provider ran (a `server_tool_use`
 * and its `web_search_tool_result`, as the API returns them in one reply).
 */
function withWebSearch(worker: ScenarioWorker, answer: TurnAnswer): TurnAnswer {
  if (!worker.web || !('blocks' in answer)) return answer;
  const id = `srvtoolu_scripted_${String(nextSearch++).padStart(4, '0')}`;
  const { query, url, title } = worker.web;
  return {
    blocks: [
      { type: 'server_tool_use', id, name: 'web_search', input: { query } },
      {
        type: 'web_search_tool_result',
        tool_use_id: id,
        content: [
          { type: 'web_search_result', url, title, encrypted_content: 'scripted', page_age: null },
        ],
      },
      ...answer.blocks,
    ],
  };
}

/**
 * An honest worker whose criterion no code can meet: it reads its brief, runs
 * its check to see what it asks, writes nothing, and says so with its evidence.
 */
function impossibleTurn(input: TurnInput, worker: ScenarioWorker): TurnAnswer {
  const { request } = input;
  const word = worker.impossible;
  if (!word) return unexpected(input, `${worker.id} has no impossible in the scenario`);
  const check = withBuild(worker.check, request.build);
  switch (request.turn) {
    case 0:
      return say('I will read my brief first.', viewCall(input, request.paths.brief ?? ''));
    case 1:
      return say(
        'Running the check the brief names, to see what it asks.',
        input.call('bash', { command: check }),
      );
    case 2:
      return say(
        'No code can meet this criterion as written; I will not make its check pass another way.',
        impossibleHandIn(input, 'submit_completion', worker, resultOf(input, 'bash') ?? ''),
      );
    default:
      return afterReport(input);
  }
}

/** The hand-in of an `impossible` attempt, through `tool` (`submit_completion`, `submit_contract`). */
export function impossibleHandIn(
  input: TurnInput,
  tool: string,
  worker: ScenarioWorker,
  output: string,
): ReturnType<TurnInput['call']> {
  const word = worker.impossible ?? { criteria: [], reason: 'no reason', evidence: [] };
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const tail = lines.slice(-3).join(' ').slice(0, 300);
  return input.call(tool, {
    status: 'impossible',
    summary: `${worker.id} (${worker.title}) cannot be done as written: ${word.reason}`,
    artifacts: [],
    learnings: [],
    concerns: [],
    decisions: [],
    follow_up: [],
    affects: [],
    impossible: {
      criteria: word.criteria,
      reason: word.reason,
      evidence: [
        ...word.evidence,
        `\`${withBuild(worker.check, input.request.build)}\` printed: ${tail || 'nothing'}`,
      ],
    },
  });
}

function submitFailed(input: TurnInput, worker: ScenarioWorker, output: string): TurnAnswer {
  const [first = ''] = Object.keys(worker.files);
  const tail = output.trim().split('\n').slice(-3).join(' ').slice(0, 300);
  return say(
    'I cannot meet the success criteria in this attempt; reporting that honestly.',
    input.call('submit_completion', {
      status: 'failed',
      summary: `Stopped after writing \`${first}\`: the rest of ${worker.id} (${worker.title}) is not done, and \`${worker.check}\` was not shown to pass (last output: ${tail || 'none'}). Another attempt should start from the brief.`,
      artifacts: [first],
      learnings: [],
      concerns: ['The work is incomplete; do not merge this branch.'],
      decisions: [],
      follow_up: [`Retry ${worker.id}.`],
    }),
  );
}
