/**
 * How a run of an engine is talked to while it runs (docs/sessions.md,
 * "Engines" and "Messages"), each by the mechanism its pinned version
 * documents for input into a running session:
 *
 * - Claude Code: `--input-format stream-json` ("realtime streaming input"):
 *   the prompt and each later message are user messages on its standard
 *   input; one that arrives while it works is read with its next tool
 *   result. Its input closes at its `result`.
 * - Codex: `codex app-server` over standard input and output (JSON-RPC:
 *   `initialize`, `thread/start` or `thread/resume`, `turn/start`): a message
 *   is `turn/steer` into the turn under way, which Codex adds to its next
 *   request. Its input closes at `turn/completed`.
 *
 * The receipt is the model request that first carries the message, as the
 * model proxy sees it (run-engine.ts): a message sent but never carried
 * before the run ends goes back to the interjections, for the next run or,
 * failing that, the next session.
 */
import type { Writable } from 'node:stream';
import type { Interjection } from '../model/interjection.js';
import type { CodingEngine, EngineRunReport } from './engine-commands.js';

/** What a run's talk needs of the session: what to send, and where receipts and tool calls go. */
export interface TalkSeat {
  prompt: string;
  model: string;
  workDir: string;
  /** A later run of the same conversation (Codex: its thread, kept here across runs). */
  resume: boolean;
  thread: { id: string | null };
  log: (line: string) => void;
}

/** One run's conversation with its engine. */
export interface EngineTalk {
  start(stdin: Writable): void;
  line(line: string): void;
  /** Sends an interjection into the running turn; false when the run can take none any more. */
  send(interjection: Interjection): boolean;
  report(): EngineRunReport;
}

export function engineTalk(engine: CodingEngine, seat: TalkSeat): EngineTalk {
  return engine === 'claude-code' ? claudeTalk(seat) : codexTalk(seat);
}

function claudeTalk(seat: TalkSeat): EngineTalk {
  let stdin: Writable | null = null;
  const tools = new Map<string, number>();
  let result: Record<string, unknown> | null = null;
  let count = 0;
  const write = (text: string, uuid: string) =>
    stdin?.write(
      `${JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'text', text }] }, uuid, parent_tool_use_id: null, session_id: '' })}\n`,
    );
  return {
    start(input) {
      stdin = input;
      write(seat.prompt, uuidOf('prompt', 0));
    },
    line(line) {
      const event = parseLine(line);
      if (!event) return;
      if (event.type === 'assistant') countClaudeTools(event, tools);
      if (event.type === 'result') {
        result = event;
        stdin?.end();
        stdin = null;
      }
    },
    send(interjection) {
      if (!stdin) return false;
      count += 1;
      write(interjection.text, uuidOf(interjection.id, count));
      return true;
    },
    report: () => claudeReport(result, tools),
  };
}

/** A UUID of Claude Code's shape (it checks the form) that names a message of this run. */
function uuidOf(id: string, n: number): string {
  const hex = Buffer.from(`${id}:${n}`).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function countClaudeTools(event: Record<string, unknown>, tools: Map<string, number>): void {
  const content = (event.message as { content?: unknown } | undefined)?.content;
  for (const block of Array.isArray(content) ? content : []) {
    if (block?.type === 'tool_use' && typeof block.name === 'string')
      tools.set(block.name, (tools.get(block.name) ?? 0) + 1);
  }
}

/** Claude Code's final `result`: `is_error` counts, not `subtype`, which reads `success` after an API error. */
function claudeReport(
  result: Record<string, unknown> | null,
  tools: Map<string, number>,
): EngineRunReport {
  if (!result) return { finished: false, error: 'it printed no result', tools };
  if (result.is_error !== true) return { finished: true, error: null, tools };
  const errors = Array.isArray(result.errors) ? result.errors.map(String) : [];
  const text = [typeof result.result === 'string' ? result.result : '', ...errors].filter(Boolean);
  return {
    finished: false,
    error: oneLine(text.join('; ') || String(result.subtype ?? 'error')),
    tools,
  };
}

/** JSON-RPC ids of the requests a Codex run makes. */
const INITIALIZE = 1;
const THREAD = 2;
const TURN = 3;

function codexTalk(seat: TalkSeat): EngineTalk {
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
      send({
        id: INITIALIZE,
        method: 'initialize',
        params: { clientInfo: { name: 'baton', title: 'Baton', version: '1' } },
      });
    },
    line(line) {
      const message = parseLine(line);
      if (!message) return;
      if ('id' in message && ('result' in message || 'error' in message)) return answered(message);
      if ('id' in message && typeof message.method === 'string') {
        // No approval is ever asked with `approvalPolicy: never`; anything asked is declined.
        return void send({
          id: message.id,
          error: { code: -32601, message: 'Baton answers no requests' },
        });
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

function parseLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 400 ? `${line.slice(0, 399)}…` : line;
}
