import type { Writable } from 'node:stream';
import type { Interjection } from '../../model/interjection.js';
import { type EngineTalk, oneLine, parseLine, type TalkSeat } from '../engine-talk.js';
import { initializeRequest, noAnswer } from '../json-rpc.js';

/**
 * Copilot's talk: the Agent Client Protocol over standard input and output
 * (JSON-RPC 2.0, a message a line; https://agentclientprotocol.com):
 * `initialize`, then `session/new` in the work tree (or `session/load` of the
 * session the run before left, whose history it replays first), then
 * `session/prompt` with the prompt, whose answer is the turn's end.
 *
 * A message while it works is a `session/prompt` of its own: Copilot stops
 * the turn under way (the earlier prompt answers `cancelled`) and goes on
 * with the conversation so far and the message, as one turn. A tool it is
 * running, or about to run, would be cut off ("interrupted"), so a message
 * goes only when Copilot's tools have all just ended: then its next model
 * request is under way, and that is what the message stops (its answer the
 * model proxy still reads to its end and meters, as when Codex's `turn/steer`
 * restarts one); the request after carries the tools' results and the
 * message, as Claude Code's next request does. Messages waiting go as one
 * prompt; those there before the first prompt go with it. Its input closes
 * when the latest prompt's turn ends; what never went is told again later.
 */

/** JSON-RPC ids of the requests a run makes; later prompts (messages) count on from PROMPT. */
const INITIALIZE = 1;
const SESSION = 2;
const PROMPT = 3;

/** Statuses of a tool call that is not over. */
const RUNNING = new Set(['pending', 'in_progress']);

/** Copilot's talk, as the head of this file says. */
export function copilotTalk(seat: TalkSeat): EngineTalk {
  let stdin: Writable | null = null;
  /** The session's replayed history (`session/load`) is over, and the prompt sent. */
  let live = false;
  let latest = PROMPT;
  const waiting: Interjection[] = [];
  const running = new Set<string>();
  const tools = new Map<string, number>();
  const state = { finished: false, error: null as string | null };
  const send = (message: Record<string, unknown>) =>
    stdin?.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  const end = () => {
    stdin?.end();
    stdin = null;
  };
  const prompt = (id: number, texts: readonly string[]) =>
    send({
      id,
      method: 'session/prompt',
      params: { sessionId: seat.thread.id, prompt: texts.map((text) => ({ type: 'text', text })) },
    });
  /** Sends what waits, once Copilot's tools have all ended (see the head of this file). */
  const flush = () => {
    if (!live || running.size > 0 || waiting.length === 0) return;
    latest += 1;
    prompt(
      latest,
      waiting.splice(0).map((interjection) => interjection.text),
    );
  };
  const answered = (message: Record<string, unknown>) => {
    const id = message.id as number;
    if (message.error) {
      const error = oneLine(String((message.error as { message?: unknown }).message ?? 'error'));
      if (id > PROMPT && id < latest)
        return void seat.log(`copilot: a message's prompt failed: ${error}`);
      state.error = `${id === INITIALIZE ? 'initialize' : id === SESSION ? (seat.resume ? 'session/load' : 'session/new') : 'session/prompt'} failed: ${error}`;
      return end();
    }
    const result = (message.result ?? {}) as Record<string, unknown>;
    if (id === INITIALIZE) {
      const where = { cwd: seat.workDir, mcpServers: [] };
      if (seat.resume && seat.thread.id)
        return void send({
          id: SESSION,
          method: 'session/load',
          params: { sessionId: seat.thread.id, ...where },
        });
      return void send({ id: SESSION, method: 'session/new', params: where });
    }
    if (id === SESSION) {
      if (typeof result.sessionId === 'string') seat.thread.id = result.sessionId;
      // What `session/load` replayed was the run before's: nothing of it runs now.
      running.clear();
      live = true;
      return void prompt(PROMPT, [
        seat.prompt,
        ...waiting.splice(0).map((interjection) => interjection.text),
      ]);
    }
    // An earlier prompt, stopped by a message's: the turn goes on under the latest.
    if (id !== latest) return;
    const reason = String(result.stopReason ?? 'none');
    state.finished = reason === 'end_turn';
    if (!state.finished) state.error = `its turn ended: ${reason}`;
    end();
  };
  const updated = (update: Record<string, unknown>) => {
    const kind = update.sessionUpdate;
    const id = typeof update.toolCallId === 'string' ? update.toolCallId : null;
    if (!id || (kind !== 'tool_call' && kind !== 'tool_call_update')) return;
    if (kind === 'tool_call' && live) {
      const name = typeof update.kind === 'string' ? update.kind : 'other';
      tools.set(name, (tools.get(name) ?? 0) + 1);
    }
    const status = update.status;
    if (typeof status !== 'string') return;
    if (RUNNING.has(status)) return void running.add(id);
    // A tool ended: when it was the last, the next model request is under way.
    if (running.delete(id)) flush();
  };
  /** The agent asks the client: a permission (none with --allow-all-tools: refused), or a file or terminal Baton does not offer. */
  const asked = (message: Record<string, unknown>) => {
    if (message.method === 'session/request_permission') {
      const options = ((message.params as { options?: unknown } | undefined)?.options ?? []) as {
        optionId?: unknown;
        kind?: unknown;
      }[];
      const reject = options.find((option) => option.kind === 'reject_once');
      return void send({
        id: message.id,
        result: {
          outcome: reject
            ? { outcome: 'selected', optionId: reject.optionId }
            : { outcome: 'cancelled' },
        },
      });
    }
    send(noAnswer(message.id));
  };
  return {
    start(input) {
      stdin = input;
      send(
        initializeRequest(INITIALIZE, {
          protocolVersion: 1,
          clientCapabilities: {
            fs: { readTextFile: false, writeTextFile: false },
            terminal: false,
          },
        }),
      );
    },
    line(line) {
      const message = parseLine(line);
      if (!message) return;
      if ('id' in message && ('result' in message || 'error' in message)) return answered(message);
      if ('id' in message && typeof message.method === 'string') return asked(message);
      if (message.method === 'session/update') {
        const update = (message.params as { update?: unknown } | undefined)?.update;
        if (typeof update === 'object' && update !== null)
          updated(update as Record<string, unknown>);
      }
    },
    send(interjection) {
      if (!stdin) return false;
      waiting.push(interjection);
      return true;
    },
    report: () => ({
      finished: state.finished,
      error: state.finished ? null : (state.error ?? 'it did not end its turn'),
      tools,
    }),
  };
}
