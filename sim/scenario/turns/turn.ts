import type { FakeBlock } from '../../fake-anthropic.js';
import type { SessionRequest } from '../read-request.js';
import { type Scenario, type ScenarioWorker, scenarioWorker, withBuild } from '../scenario.js';

/** The editor tool a scripted session views and writes files with. */
export const EDITOR = 'str_replace_based_edit_tool';

/** What one turn of a scripted session sees. */
export interface TurnInput {
  scenario: Scenario;
  request: SessionRequest;
  /**
   * Which session this is among its kind, from 1: the attempt of a work
   * session, the round of a review, the round of a fix for a review.
   */
  ordinal: number;
  /** A tool call with a fresh id. */
  call(name: string, input: Record<string, unknown>): FakeBlock;
}

/**
 * A turn's answer: the reply's blocks, an API error to answer with, or a
 * problem (the session went somewhere the scenario did not expect).
 */
export type TurnAnswer =
  | { blocks: FakeBlock[] }
  | { error: { status: number; type: string; message: string } }
  | { problem: string };

/** A reply of a sentence and tool calls, as a model writes one. */
export function say(text: string, ...calls: FakeBlock[]): TurnAnswer {
  return { blocks: [{ type: 'text', text }, ...calls] };
}

/** A turn the script has no answer for. */
export function unexpected(input: TurnInput, what: string): TurnAnswer {
  const { role, worker, turn } = input.request;
  return { problem: `${role} ${worker ?? '-'} turn ${turn}: ${what}` };
}

/**
 * The first tool error of the newest turn, if any: a scripted session never
 * expects one, so it is a problem to report, not something to work around.
 */
export function toolFailure(input: TurnInput): TurnAnswer | null {
  const failed = input.request.last.find((exchange) => exchange.isError);
  if (!failed) return null;
  return unexpected(
    input,
    `${failed.name} ${JSON.stringify(failed.input).slice(0, 200)} answered an error: ${failed.result.slice(0, 500)}`,
  );
}

/**
 * The scenario's worker whose session (work, review, fix) this turn is of; else the turn's
 * answer: the newest turn's tool error, or `noWorker`'s problem for a session of no worker.
 */
export function turnWorker(input: TurnInput, noWorker: string): ScenarioWorker | TurnAnswer {
  const failure = toolFailure(input);
  if (failure) return failure;
  if (!input.request.worker) return unexpected(input, noWorker);
  return scenarioWorker(input.scenario, input.request.worker);
}

/** The newest turn's result of a call, by tool name and (optionally) path. */
export function resultOf(input: TurnInput, name: string, path?: string): string | null {
  const found = input.request.last.find(
    (exchange) => exchange.name === name && (path === undefined || exchange.input.path === path),
  );
  return found ? found.result : null;
}

/** Whether a bash answer says the command failed. */
export function commandFailed(output: string | null): boolean {
  return output === null || /\[exit code \S+\]$/.test(output) || /\[killed after/.test(output);
}

/** An editor call that views a file. */
export function viewCall(input: TurnInput, path: string): FakeBlock {
  return input.call(EDITOR, { command: 'view', path });
}

/** An editor call that writes a file whole. */
export function createCall(input: TurnInput, path: string, text: string): FakeBlock {
  return input.call(EDITOR, { command: 'create', path, file_text: text });
}

/** The worker's files in this turn's build, each its path and its text. */
export function workerFiles(input: TurnInput, worker: ScenarioWorker): [string, string][] {
  return Object.entries(worker.files).map(([path, text]) => [
    withBuild(path, input.request.build),
    text,
  ]);
}

/**
 * A reply of `text` and the report `report` makes, if the newest bash answer
 * shows the check passed; else the turn's problem.
 */
export function reportIfPassed(
  input: TurnInput,
  text: string,
  report: () => FakeBlock,
): TurnAnswer {
  const output = resultOf(input, 'bash');
  if (commandFailed(output)) return unexpected(input, `the check failed:\n${output}`);
  return say(text, report());
}

/** A turn after the session handed in its report. */
export function afterReport(input: TurnInput): TurnAnswer {
  return unexpected(input, 'the report was submitted already, yet the session goes on');
}
