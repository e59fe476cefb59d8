import { type ReviewRound, reviewRound, type ScenarioWorker, withBuild } from '../scenario.js';
import { addedLines } from '../text-reading.js';
import { resultOf, say, type TurnAnswer, type TurnInput, turnWorker, unexpected } from './turn.js';

const APPROVAL_NOTE = 'Reads well and does what the brief asks.';

/**
 * A `review` session: reads the brief and the patch of the file it looks at,
 * then submits the round's verdict with one inline comment on an added line.
 */
export function reviewTurn(input: TurnInput): TurnAnswer {
  const { request } = input;
  const worker = turnWorker(input, 'a review of no worker');
  if (!('id' in worker)) return worker;
  const scripted = reviewRound(worker, input.ordinal);
  const first = Object.keys(worker.files)[0];
  const path = reviewedPath(
    input,
    scripted.path ?? (first === undefined ? undefined : withBuild(first, request.build)),
  );
  if (!path) return unexpected(input, 'the pull request changes no file outside .baton/');
  switch (request.turn) {
    case 0:
      return say(
        `I will check PR #${request.pr} against ${worker.id}'s brief, starting with \`${path}\`.`,
        ...(request.paths.brief ? [input.call('read_file', { path: request.paths.brief })] : []),
        input.call('get_diff', { path }),
      );
    case 1: {
      const patch = resultOf(input, 'get_diff', path) ?? '';
      const round = askedAgain(worker, input.ordinal, patch) ?? scripted;
      const lines = addedLines(patch);
      const target = lines.find((added) => added.text.includes(round.on ?? '')) ?? lines[0];
      if (!target) return unexpected(input, `the diff of ${path} adds no line`);
      const approve = round.verdict === 'approve';
      return say(
        approve ? 'The change meets the brief.' : 'One thing must change before this merges.',
        input.call('submit_review', {
          verdict: round.verdict,
          body: approve
            ? `Approved: ${worker.title} meets its success criteria, and \`${worker.check}\` passes.`
            : `Changes requested: ${round.comment}`,
          comments: [
            { path, line: target.line, side: 'RIGHT', body: round.comment ?? APPROVAL_NOTE },
          ],
        }),
      );
    }
    default:
      return unexpected(input, 'the review was submitted already, yet the session goes on');
  }
}

/**
 * An earlier round's request that the patch still lacks, asked again, as a
 * reviewer reads the code rather than counts rounds: a conflict fix that
 * came before the review fix leaves the change undone, and the next review
 * must not approve it.
 */
function askedAgain(worker: ScenarioWorker, ordinal: number, patch: string): ReviewRound | null {
  const earlier = (worker.reviews ?? []).slice(0, ordinal - 1);
  if (reviewRound(worker, ordinal).verdict !== 'approve') return null;
  return (
    earlier.find(
      (round) =>
        round.verdict === 'changes-requested' &&
        patch.includes(round.fix.old.trim()) &&
        !patch.includes(round.fix.new.split('\n')[0]?.trim() ?? ''),
    ) ?? null
  );
}

/** The file to comment on: the wanted one if the PR changes it, else its first file outside the record. */
function reviewedPath(input: TurnInput, wanted: string | undefined): string | undefined {
  const { changed } = input.request;
  if (wanted && changed.includes(wanted)) return wanted;
  return (
    changed.find((path) => !path.startsWith('.baton/')) ??
    // A research worker's findings are in the record, beside its completion.
    changed.find((path) => path.includes('/findings/'))
  );
}
