import type { Writable } from 'node:stream';
import type { Interjection } from '../../model/interjection.js';
import { type EngineTalk, oneLine, parseLine, type TalkSeat } from '../engine-talk.js';
import { initializeRequest, noAnswer } from '../json-rpc.js';

/**
 * Codex's talk: `codex app-server` over standard input and output (JSON-RPC:
 * `initialize`, `thread/start` or `thread/resume`, `turn/start`): a message
 * is `turn/steer` into the turn under way, which Codex adds to its next
 * request. Its input closes at `turn/completed`.
 */

/** JSON-RPC ids of the requests a Codex run makes. */
const INITIALIZE = 1;
const THREAD = 2;
const TURN = 3;

/** Codex's talk, as the head of this file says. */
export function codexTalk(seat: TalkSeat): EngineTalk {
  let stdin: Writable | null = null;
  let turnId: string | null = null;
  let nextId = 100;
  const waiting: Interjection[] = [];
  const steers = new Set<number>();
  const tools = new Map<string, number>();
  const state = { finished: false, error: null as string | null };
  const send = (message: Record<string, unknown>) => stdin?.write(`${JSON.stringify(message)}\n`);
  const end = () => {
    stdin?.end();
    stdin = null;
  };
  const steer = (interjection: Interjection) => {
    const id = nextId++;
    steers.add(id);
    send({
      id,
      method: 'turn/steer',
      params: {
        threadId: seat.thread.id,
        expectedTurnId: turnId,
        input: [{ type: 'text', text: interjection.text }],
        clientUserMessageId: interjection.id,
      },
    });
  };
  const answered = (message: Record<string, unknown>) => {
    const id = message.id as number;
    if (message.error) {
      const error = oneLine(String((message.error as { message?: unknown }).message ?? 'error'));
      // A steer that missed the turn (it ended) is never carried: told again in the next run, or session.
      if (steers.has(id)) return void seat.log(`codex: a message missed the turn: ${error}`);
      state.error = `${id === TURN ? 'turn/start' : id === THREAD ? 'thread/start' : 'initialize'} failed: ${error}`;
      return end();
    }
    const result = (message.result ?? {}) as Record<string, unknown>;
    if (id === INITIALIZE) {
      send({ method: 'initialized' });
      return void send(threadRequest(seat));
    }
    if (id === THREAD) {
      seat.thread.id = String(
        (result.thread as { id?: unknown } | undefined)?.id ?? seat.thread.id,
      );
      return void send({
        id: TURN,
        method: 'turn/start',
        params: { threadId: seat.thread.id, input: [{ type: 'text', text: seat.prompt }] },
      });
    }
    if (id === TURN) {
      turnId = String((result.turn as { id?: unknown } | undefined)?.id ?? '');
      for (const interjection of waiting.splice(0)) steer(interjection);
    }
  };
  const notified = (method: string, params: Record<string, unknown>) => {
    const item = (params.item ?? {}) as Record<string, unknown>;
    if (method === 'item/completed' && typeof item.type === 'string') {
      if (!['agentMessage', 'reasoning', 'userMessage'].includes(item.type))
        tools.set(item.type, (tools.get(item.type) ?? 0) + 1);
    }
    if (method === 'error') {
      const error = (params.error as { message?: unknown } | undefined)?.message;
      if (typeof error === 'string') state.error = oneLine(error);
    }
    if (method === 'turn/completed') {
      const turn = (params.turn ?? {}) as {
        status?: unknown;
        error?: { message?: unknown } | null;
      };
      state.finished = turn.status === 'completed';
      if (!state.finished)
        state.error = oneLine(
          String(turn.error?.message ?? `its turn ended ${String(turn.status)}`),
        );
      end();
    }
  };
  return {
    start(input) {
      stdin = input;
      send(initializeRequest(INITIALIZE));
    },
    line(line) {
      const message = parseLine(line);
      if (!message) return;
      if ('id' in message && ('result' in message || 'error' in message)) return answered(message);
      if ('id' in message && typeof message.method === 'string') {
        // No approval is ever asked with `approvalPolicy: never`; anything asked is declined.
        return void send(noAnswer(message.id));
      }
      if (typeof message.method === 'string')
        notified(message.method, (message.params ?? {}) as Record<string, unknown>);
    },
    send(interjection) {
      if (!stdin) return false;
      if (turnId === null) waiting.push(interjection);
      else steer(interjection);
      return true;
    },
    report: () => ({
      finished: state.finished,
      error: state.finished ? null : (state.error ?? 'it did not complete its turn'),
      tools,
    }),
  };
}

/** A new thread in the work tree, or the run before's again; acting without asking, unsandboxed (Baton's sandbox confines it). */
function threadRequest(seat: TalkSeat): Record<string, unknown> {
  const settings = {
    model: seat.model,
    cwd: seat.workDir,
    approvalPolicy: 'never',
    sandbox: 'danger-full-access',
  };
  if (seat.resume && seat.thread.id) {
    return {
      id: THREAD,
      method: 'thread/resume',
      params: { threadId: seat.thread.id, ...settings },
    };
  }
  return { id: THREAD, method: 'thread/start', params: settings };
}
