import type { SessionRole } from '../../src/core/sessions/session.js';
import type { CapturedRequest, FakeBlock, FakeReply, Respond } from '../fake-anthropic.js';
import { readSessionRequest, type SessionRequest } from './read-request.js';
import type { Scenario } from './scenario.js';
import { scriptedUsage } from './scripted-usage.js';
import { contractTurn } from './turns/contract-turns.js';
import { fixTurn } from './turns/fix-turns.js';
import { learnTurn } from './turns/learn-turns.js';
import { researchTurn, summaryTurn } from './turns/loop-turns.js';
import { planTurn } from './turns/plan-turns.js';
import { reviewTurn } from './turns/review-turns.js';
import { synthesisTurn } from './turns/synthesis-turns.js';
import { waitsForSteer } from './turns/talk-turns.js';
import type { TurnAnswer, TurnInput } from './turns/turn.js';
import { validateTurn } from './turns/validate-turns.js';
import { workTurn } from './turns/work-turns.js';

/** One session as the scripted model saw it. */
export interface ScriptedSession {
  role: SessionRole;
  worker: string | null;
  pr: number | null;
  trigger: SessionRequest['trigger'];
  /** Which of its kind it is, from 1: attempt, review round, fix round. */
  ordinal: number;
  /** `conflict` fixes: the files the merge left in conflict. */
  conflicts: string[];
  /** Requests answered with a message (retried requests count once). */
  turns: number;
  /** What it handed in through its `submit_*` tool, if it got that far. */
  submitted: Record<string, unknown> | null;
}

/**
 * The `respond` function of sim/fake-anthropic.ts for a whole build, with what
 * it saw: every session in the order they began, and every problem (a turn
 * the scenario has no answer for, a tool that answered an error). A problem
 * is also answered with a 400, so the session fails at once and says why.
 */
export interface ScriptedModel extends Respond {
  sessions: ScriptedSession[];
  problems: string[];
  /** The API errors the scenario asked for (a 529, a failing attempt's 400), as answered. */
  errors: { role: SessionRole; worker: string | null; turn: number; status: number }[];
}

/**
 * A model that plays `scenario`: it tells from each request which session it
 * belongs to (the role in the system prompt; build, worker, PR and trigger in
 * the first message) and how far that session is (its assistant turns), and
 * answers as a model in that role would, with usage that grows with the work.
 */
export function createScriptedModel(scenario: Scenario): ScriptedModel {
  const book = createSessionBook();
  const problems: string[] = [];
  const errors: ScriptedModel['errors'] = [];
  let overloadSpent = false;
  let nextId = 1;
  const call = (name: string, input: Record<string, unknown>): FakeBlock => ({
    type: 'tool_use',
    id: `toolu_scripted_${String(nextId++).padStart(4, '0')}`,
    name,
    input,
  });
  const respond = async (captured: CapturedRequest): Promise<FakeReply> => {
    const request = readSessionRequest(captured.body);
    if (typeof request === 'string') return refuse(problems, request);
    const session = book.sessionOf(request);
    await heldForSteer(scenario, request);
    const { role, worker, turn } = request;
    if (!overloadSpent && isOverloadTarget(scenario, request)) {
      overloadSpent = true;
      errors.push({ role, worker, turn, status: 529 });
      return { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } };
    }
    const answer = playTurn({ scenario, request, ordinal: session.ordinal, call });
    if ('problem' in answer) return refuse(problems, answer.problem);
    if ('error' in answer) {
      errors.push({ role, worker, turn, status: answer.error.status });
      return { error: answer.error };
    }
    const { usage, promptTokens } = scriptedUsage({
      // What the model reads: after the API's context edits, if any.
      request: captured.seen,
      reply: answer.blocks,
      previousInput: session.promptTokens,
      shell: role === 'work' || role === 'contract' || role === 'fix',
      thinkingTokens: scenario.thinkingTokens ?? 300,
    });
    book.record(session, { turn, promptTokens, blocks: answer.blocks });
    return { message: { content: answer.blocks, usage } };
  };
  return Object.assign(respond, { sessions: book.sessions, problems, errors });
}

type BookedSession = ScriptedSession & { promptTokens: number };

/**
 * The sessions seen so far, one per key (a retried request belongs to the
 * session it retries), each numbered among its kind: role, worker, and for
 * fixes the trigger.
 */
function createSessionBook() {
  const byKey = new Map<string, BookedSession>();
  const kinds = new Map<string, number>();
  const sessions: BookedSession[] = [];
  return {
    sessions,
    sessionOf(request: SessionRequest): BookedSession {
      const found = byKey.get(request.key);
      if (found) return found;
      const { role, worker, pr, trigger, conflicts } = request;
      const kind = [role, worker, role === 'fix' ? trigger : ''].join(':');
      const ordinal = (kinds.get(kind) ?? 0) + 1;
      kinds.set(kind, ordinal);
      const session: BookedSession = {
        ...{ role, worker, pr, trigger, ordinal, conflicts },
        ...{ turns: 0, submitted: null, promptTokens: 0 },
      };
      byKey.set(request.key, session);
      sessions.push(session);
      return session;
    },
    record(
      session: BookedSession,
      { turn, promptTokens, blocks }: { turn: number; promptTokens: number; blocks: FakeBlock[] },
    ): void {
      session.promptTokens = promptTokens;
      session.turns = turn + 1;
      for (const block of blocks) {
        if (block.type === 'tool_use' && block.name.startsWith('submit_')) {
          session.submitted = block.input as Record<string, unknown>;
        }
      }
    },
  };
}

/** How the scripted model plays each role's session: a turn of every role, the compiler's to check. */
const TURNS: Record<SessionRole, (input: TurnInput) => TurnAnswer> = {
  plan: planTurn,
  work: workTurn,
  contract: contractTurn,
  fix: fixTurn,
  review: reviewTurn,
  research: researchTurn,
  summary: summaryTurn,
  synthesis: synthesisTurn,
  validate: validateTurn,
  learn: learnTurn,
};

function playTurn(input: TurnInput): TurnAnswer {
  return TURNS[input.request.role](input);
}

/**
 * A talked-to worker's work session waiting for its `/steer` answers once the
 * test says the session has read it (`TalkScript.held`), having said it waits.
 */
async function heldForSteer(scenario: Scenario, request: SessionRequest): Promise<void> {
  if (request.role !== 'work' || !request.worker) return;
  const talk = scenario.workers.find((worker) => worker.id === request.worker)?.talk;
  if (!talk || talk.paced || !waitsForSteer({ request }, talk)) return;
  talk.waiting?.();
  await talk.held();
}

function isOverloadTarget(scenario: Scenario, request: SessionRequest): boolean {
  const target = scenario.overloadedOnce;
  if (!target) return false;
  return (
    target.role === request.role &&
    (target.worker === undefined || target.worker === request.worker) &&
    (target.turn ?? 0) === request.turn
  );
}

/** A problem, kept and answered with a 400 (which the SDK does not retry), so the session ends saying why. */
function refuse(problems: string[], problem: string): FakeReply {
  problems.push(problem);
  return {
    error: {
      status: 400,
      type: 'invalid_request_error',
      message: `the scripted model has no answer: ${problem}`.slice(0, 1000),
    },
  };
}
