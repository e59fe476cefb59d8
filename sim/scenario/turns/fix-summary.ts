import type { ScenarioWorker } from '../scenario.js';
import { viewedLines } from '../text-reading.js';
import { EDITOR, type TurnInput, viewCall } from './turn.js';

const CONFLICT_NOTE =
  /Merged the build branch and resolved the conflict in .*?, keeping both sides\./;

/** What a conflict fix adds to the report. */
export function conflictNote(files: readonly string[]): string {
  return `Merged the build branch and resolved the conflict in ${files.join(', ')}, keeping both sides.`;
}

/** The call that reads the earlier report a fix session's prompt names, if it names one. */
export function viewEarlierReport(input: TurnInput): ReturnType<TurnInput['call']>[] {
  const path = input.request.paths.earlierReport;
  return path ? [viewCall(input, path)] : [];
}

/**
 * The summary of a fix's report, which replaces the earlier one: the worker's
 * own summary, then every fix's note so far (carried over from the earlier
 * report) and this one, in the scenario's order, so that the final report
 * reads the same whichever fix came first.
 */
export function fixSummary(input: TurnInput, worker: ScenarioWorker, note: string): string {
  const text = `${earlierSummary(input) ?? ''} ${note}`;
  const reviewNotes = (worker.reviews ?? []).flatMap((round) =>
    round.verdict === 'changes-requested' && text.includes(round.fix.summary)
      ? [round.fix.summary]
      : [],
  );
  const conflict = CONFLICT_NOTE.exec(text)?.[0];
  return [worker.summary, ...reviewNotes, ...(conflict ? [conflict] : [])].join(' ');
}

/** The summary of the earlier report, as the session viewed it. */
function earlierSummary(input: TurnInput): string | null {
  const path = input.request.paths.earlierReport;
  const viewed = input.request.all.find(
    (exchange) => exchange.name === EDITOR && exchange.input.path === path && !exchange.isError,
  );
  if (!path || !viewed) return null;
  try {
    const report = JSON.parse(viewedLines(viewed.result).join('\n')) as { summary?: unknown };
    return typeof report.summary === 'string' ? report.summary : null;
  } catch {
    return null;
  }
}
