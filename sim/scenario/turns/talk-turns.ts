import { type ScenarioWorker, type TalkScript, withBuild } from '../scenario.js';
import { viewEarlierReport } from './fix-summary.js';
import { submit } from './submit.js';
import {
  createCall,
  EDITOR,
  reportIfPassed,
  say,
  type TurnAnswer,
  type TurnInput,
  unexpected,
  viewCall,
  workerFiles,
} from './turn.js';

/** What Baton tells a session whose limit is near (src/session/agent/roles/hand-in/partial-work.ts). */
const WIND_DOWN = 'this session is about to reach';
/** The most turns a talked-to work session waits and works before it must have been told to wind down. */
const MAX_TURNS = 60;

/**
 * A worker people talk to while it works (`ScenarioWorker.talk`). Its work
 * session reads its brief, writes its first file, then waits, a cheap command
 * a turn (the first wait held until the session has read the `/steer`), until
 * a `/steer` asks for a file: it writes that file with the text the message
 * gives. It then works on until Baton tells it a limit is near, and hands in
 * `partial` with its note. The session that goes on from there (a fix, trigger
 * `continue`) writes the brief's other files and the file the `/queue` asked
 * for, runs the check, and hands in `complete`.
 */
export function talkWorkTurn(
  input: TurnInput,
  worker: ScenarioWorker,
  talk: TalkScript,
): TurnAnswer {
  if (talk.paced) return pacedTurn(input, worker, talk, talk.paced.steers);
  const { request } = input;
  const [first, ...rest] = workerFiles(input, worker);
  if (request.turn === 0) {
    return say(
      'Reading my brief and the skill first.',
      viewCall(input, request.paths.brief ?? ''),
      ...(request.paths.skill ? [viewCall(input, request.paths.skill)] : []),
    );
  }
  if (request.turn === 1 && first) {
    return say(`Writing \`${first[0]}\` first.`, createCall(input, first[0], first[1]));
  }
  const steered = asked(request.said, talk.steered);
  const wrote = wroteFile(input, talk.steered);
  if (steered !== null && !wrote) {
    return say(
      `A message asks for \`${talk.steered}\`; writing it.`,
      input.call(EDITOR, { command: 'create', path: talk.steered, file_text: `${steered}\n` }),
    );
  }
  if (wrote && request.said.includes(WIND_DOWN)) {
    return say(
      'Told that a limit is near: handing in what works.',
      input.call('submit_completion', {
        status: 'partial',
        summary: `Wrote \`${first?.[0]}\` and \`${talk.steered}\`; the rest of ${worker.id} is left.`,
        artifacts: [first?.[0], talk.steered],
        handoff: {
          done: `\`${first?.[0]}\` and \`${talk.steered}\`, as a message asked.`,
          left: rest.map(([path]) => `\`${path}\``).join(', ') || 'nothing',
          next: `Write ${rest.map(([path]) => `\`${path}\``).join(' and ')}, then run \`${withBuild(worker.check, request.build)}\`.`,
        },
      }),
    );
  }
  if (request.turn >= MAX_TURNS) return unexpected(input, 'no /steer and no wind-down came');
  return say(wrote ? 'Working on.' : 'Waiting a moment.', input.call('bash', { command: 'true' }));
}

/** A paced work session: a second a turn, each numbered steered file written when asked, then the report. */
function pacedTurn(
  input: TurnInput,
  worker: ScenarioWorker,
  talk: TalkScript,
  steers: number,
): TurnAnswer {
  const { request } = input;
  if (request.turn === 0) {
    return say('Reading my brief.', viewCall(input, request.paths.brief ?? ''));
  }
  const pattern = new RegExp(`(\\d+)-${escapeRegExp(talk.steered)} saying: ([^\\n<]+)`, 'g');
  const asks = [...request.said.matchAll(pattern)];
  const fresh = asks.find(([, n]) => !wroteFile(input, `${n}-${talk.steered}`));
  if (fresh) {
    const path = `${fresh[1]}-${talk.steered}`;
    return say(
      `A message asks for \`${path}\`.`,
      input.call(EDITOR, { command: 'create', path, file_text: `${(fresh[2] ?? '').trim()}\n` }),
    );
  }
  const answered = new Set(asks.map(([, n]) => n)).size;
  if (answered >= steers) return say('Every message is answered.', submit(input, worker));
  if (request.turn >= MAX_TURNS * 4)
    return unexpected(input, `only ${answered} of ${steers} messages came`);
  return say('Working.', input.call('bash', { command: 'sleep 1' }));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The continuation of a talked-to worker: the rest of its files and what the `/queue` asked, then the check. */
export function talkContinueTurn(
  input: TurnInput,
  worker: ScenarioWorker,
  talk: TalkScript,
): TurnAnswer {
  const { request } = input;
  const [, ...rest] = workerFiles(input, worker);
  switch (request.turn) {
    case 0:
      return say('Reading the note of the session before mine.', ...viewEarlierReport(input));
    case 1: {
      const queued = asked(request.said, talk.queued);
      if (queued === null)
        return unexpected(input, `the continuation was not given the /queue for ${talk.queued}`);
      return say(
        'Finishing the brief, and writing what the queued message asks.',
        ...rest.map(([path, file_text]) => createCall(input, path, file_text)),
        createCall(input, talk.queued, `${queued}\n`),
      );
    }
    case 2:
      return say(
        'Running the check.',
        input.call('bash', { command: withBuild(worker.check, request.build) }),
      );
    case 3:
      return reportIfPassed(input, 'The check passes.', () => submit(input, worker));
    default:
      return unexpected(input, 'the continuation handed in already, yet goes on');
  }
}

/** The text a message gives for `file` (`<file> saying: <text>`), or null when none does yet. */
function asked(said: string, file: string): string | null {
  return new RegExp(`${escapeRegExp(file)} saying: ([^\\n<]+)`).exec(said)?.[1]?.trim() ?? null;
}

/**
 * Whether a talked-to work session is at a turn that waits for the `/steer`:
 * past its first file, with no message asking for the steered file yet.
 */
export function waitsForSteer(input: Pick<TurnInput, 'request'>, talk: TalkScript): boolean {
  const { request } = input;
  return (
    request.turn >= 2 &&
    asked(request.said, talk.steered) === null &&
    !wroteFile(input, talk.steered)
  );
}

function wroteFile(input: Pick<TurnInput, 'request'>, path: string): boolean {
  return input.request.all.some(
    (exchange) => exchange.name === EDITOR && exchange.input.path === path,
  );
}
