import type { ScenarioLoop } from '../scenario.js';
import { say, type TurnAnswer, type TurnInput, toolFailure, unexpected } from './turn.js';

/** The scenario's loop the session names, or a problem. */
function loopOf(input: TurnInput): ScenarioLoop | TurnAnswer {
  const loop = input.request.loop;
  const found = loop === null ? undefined : input.scenario.loops?.[loop - 1];
  return (
    found ?? unexpected(input, `the scenario has no improvement loop ${loop ?? '(none named)'}`)
  );
}

/**
 * A `research` session: looks at the repository, then hands in the loop's
 * findings, or says nothing is worth another loop.
 */
export function researchTurn(input: TurnInput): TurnAnswer {
  const failure = toolFailure(input);
  if (failure) return failure;
  const loop = loopOf(input);
  if (!('findings' in loop)) return loop;
  switch (input.request.turn) {
    case 0:
      return say(
        'I will look at how the repository is laid out before I say what to improve.',
        input.call('list_files', { path: '.', depth: 2 }),
      );
    case 1:
      return say(
        loop.nothingWorthDoing ? 'Nothing here is worth another loop.' : 'These are the findings.',
        input.call('submit_research', {
          findings: loop.findings,
          nothing_worth_doing: loop.nothingWorthDoing ?? false,
        }),
      );
    default:
      return unexpected(input, 'the research was submitted already, yet the session goes on');
  }
}

/** A `summary` session: reads the loop's findings, then hands in the summary. */
export function summaryTurn(input: TurnInput): TurnAnswer {
  const failure = toolFailure(input);
  if (failure) return failure;
  const loop = loopOf(input);
  if (!('findings' in loop)) return loop;
  const findings = /The loop's findings: `([^`]+)`/.exec(input.request.key)?.[1];
  switch (input.request.turn) {
    case 0:
      return say(
        "I will read the loop's findings first.",
        ...(findings ? [input.call('read_file', { path: findings })] : []),
      );
    case 1:
      return say(
        'Here is the summary.',
        input.call('submit_summary', { summary: loop.summary ?? 'The loop is done.' }),
      );
    default:
      return unexpected(input, 'the summary was submitted already, yet the session goes on');
  }
}
