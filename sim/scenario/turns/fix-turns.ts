import { requestedFix, type ScenarioWorker } from '../scenario.js';
import { conflictBlocks, viewedLines } from '../text-reading.js';
import { conflictNote, fixSummary, viewEarlierReport } from './fix-summary.js';
import { submit } from './submit.js';
import { talkContinueTurn } from './talk-turns.js';
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
} from './turn.js';

const MARKERS = "'^(<<<<<<<|>>>>>>>)( |$)'";

/**
 * A `fix` session. For a review: views the commented file, makes the change
 * the scenario's round asks for, runs the check, submits. For a conflict:
 * views each conflicted file, replaces every conflict block with a resolution
 * that keeps both sides, shows no marker is left and the check passes,
 * submits. For a `/retry` of an attack: writes the worker's own files, runs
 * the check, submits. For anything else: runs the check and submits.
 */
export function fixTurn(input: TurnInput): TurnAnswer {
  const worker = turnWorker(input, 'a fix session of no worker');
  if (!('id' in worker)) return worker;
  switch (input.request.trigger) {
    case 'continue':
      return worker.talk
        ? talkContinueTurn(input, worker, worker.talk)
        : unexpected(input, 'a continuation of a worker that handed in no partial work');
    case 'review':
      return reviewFix(input, worker);
    case 'conflict':
      return conflictFix(input, worker);
    case 'checks':
      return worker.checksFix ? checksFix(input, worker, worker.checksFix) : recheck(input, worker);
    case 'comment':
      // A `/retry` of an attack that opened its pull request: the honest work this time.
      return worker.attack
        ? checksFix(
            input,
            worker,
            { files: worker.files, summary: worker.summary },
            'Another attempt is asked for on my pull request. Reading my earlier report, then writing the code the brief asks for.',
          )
        : recheck(input, worker);
    default:
      return recheck(input, worker);
  }
}

function reviewFix(input: TurnInput, worker: ScenarioWorker): TurnAnswer {
  const round = requestedFix(worker, input.ordinal);
  const comment = input.request.inline[0];
  if (!round || !comment)
    return unexpected(input, 'changes requested that the scenario has no fix for');
  const { path } = comment;
  switch (input.request.turn) {
    case 0:
      return say(
        `The review asks: "${comment.body}". Looking at \`${path}\` around line ${comment.line}, and at my earlier report.`,
        viewCall(input, path),
        ...viewEarlierReport(input),
      );
    case 1:
      return say(
        'Making that change.',
        input.call(EDITOR, {
          command: 'str_replace',
          path,
          old_str: round.fix.old,
          new_str: round.fix.new,
        }),
      );
    case 2:
      return runCheck(input, worker);
    case 3:
      return submitIfPassed(input, worker, round.fix.summary);
    default:
      return afterReport(input);
  }
}

function conflictFix(input: TurnInput, worker: ScenarioWorker): TurnAnswer {
  const { conflicts, turn } = input.request;
  if (conflicts.length === 0) return unexpected(input, 'a conflict fix that names no file');
  switch (turn) {
    case 0:
      return say(
        `The merge of the build branch left conflicts in ${conflicts.map((f) => `\`${f}\``).join(', ')}; reading them.`,
        ...conflicts.map((path) => viewCall(input, path)),
        ...viewEarlierReport(input),
      );
    case 1: {
      const edits = conflicts.flatMap((path) =>
        conflictBlocks(viewedLines(resultOf(input, EDITOR, path) ?? '')).map((block) =>
          input.call(EDITOR, {
            command: 'str_replace',
            path,
            old_str: block.text,
            new_str: block.resolved,
          }),
        ),
      );
      if (edits.length === 0)
        return unexpected(input, 'the conflicted files hold no conflict block');
      return say('Both sides add something the build needs; keeping both.', ...edits);
    }
    case 2:
      return say(
        'Checking that no conflict marker is left, then running the check.',
        input.call('bash', {
          command: `! grep -nE ${MARKERS} ${conflicts.map((f) => `'${f}'`).join(' ')} && ${worker.check}`,
        }),
      );
    case 3:
      return submitIfPassed(input, worker, conflictNote(conflicts));
    default:
      return afterReport(input);
  }
}

function recheck(input: TurnInput, worker: ScenarioWorker): TurnAnswer {
  switch (input.request.turn) {
    case 0:
      return say(
        'Reading my earlier report, then running the check again.',
        ...viewEarlierReport(input),
        input.call('bash', { command: worker.check }),
      );
    case 1:
      return submitIfPassed(input, worker, '');
    default:
      return afterReport(input);
  }
}

/** Failing checks the scenario has a fix for: reads its report, writes the fix, runs the check, submits. */
function checksFix(
  input: TurnInput,
  worker: ScenarioWorker,
  fix: NonNullable<ScenarioWorker['checksFix']>,
  why = 'The checks named in my brief fail on my head. Reading my earlier report, then fixing it.',
): TurnAnswer {
  switch (input.request.turn) {
    case 0:
      return say(
        why,
        ...viewEarlierReport(input),
        ...Object.entries(fix.files).map(([path, file_text]) => createCall(input, path, file_text)),
      );
    case 1:
      return runCheck(input, worker);
    case 2:
      return submitIfPassed(input, worker, fix.summary);
    default:
      return afterReport(input);
  }
}

function runCheck(input: TurnInput, worker: ScenarioWorker): TurnAnswer {
  return say('Running the check again.', input.call('bash', { command: worker.check }));
}

/** Submits the report, with this fix's note, if the newest bash answer shows the check passed. */
function submitIfPassed(input: TurnInput, worker: ScenarioWorker, note: string): TurnAnswer {
  return reportIfPassed(input, 'Done; the check passes.', () =>
    submit(input, worker, fixSummary(input, worker, note)),
  );
}
