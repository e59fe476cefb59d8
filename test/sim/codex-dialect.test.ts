import { describe, expect, it } from 'vitest';
import type { CapturedRequest, FakeReply } from '../../sim/fake-anthropic.js';
import type {
  CapturedResponsesRequest,
  ResponsesItem,
  ResponsesReply,
} from '../../sim/fake-openai.js';
import { speakEngines } from '../../sim/scenario/dialects/speak-engines.js';
import type { ScriptedModel } from '../../sim/scenario/scripted-model.js';

/**
 * The scripted model's Codex dialect, on a command that outlasts Codex's
 * yield (at most 30 s, which a long probe on a busy machine outlasts): Codex
 * answers with what the command wrote so far and its session, and the
 * dialect waits on that session until the command ends before the scenario
 * reads the command's whole output.
 */
const INSTRUCTIONS = [
  'You are a Baton session in the work role, working in a checkout of octo/demo at /work/checkout.',
  'Hand in by writing one JSON object to the file `/work/out/hand-in.json`.',
].join('\n');

/** A scenario that runs one command, then answers with text; it keeps what it was sent. */
function oneCommand(): ScriptedModel & { asked: CapturedRequest[] } {
  const asked: CapturedRequest[] = [];
  const respond = (captured: CapturedRequest): FakeReply => {
    asked.push(captured);
    if (asked.length === 1) {
      return {
        message: {
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'probe' } }],
        },
      };
    }
    return { message: { content: [{ type: 'text', text: 'Seen.' }] } };
  };
  return Object.assign(respond, { sessions: [], problems: [], errors: [], asked });
}

function request(input: unknown[]): CapturedResponsesRequest {
  return {
    index: 0,
    body: { model: 'gpt-5.5', instructions: INSTRUCTIONS, input },
    headers: {},
  };
}

function calls(reply: ResponsesReply): Extract<ResponsesItem, { type: 'function_call' }>[] {
  if ('error' in reply) throw new Error(reply.error.message);
  return reply.output.filter((item) => item.type === 'function_call');
}

/** Codex's output of a command, as its unified exec words it. */
function output(status: string, text: string): string {
  return `Chunk ID: 3ced3b\nWall time: 30.0004 seconds\n${status}\nOriginal token count: 3\nOutput:\n${text}`;
}

/** The call `call` as Codex hands it back, with the command's output so far (`output`). */
function answered(call: { call_id?: string } | undefined, status: string, text: string): unknown[] {
  return [
    { ...call },
    { type: 'function_call_output', call_id: call?.call_id, output: output(status, text) },
  ];
}

const RUNNING = 'Process running with session ID 4487';

describe("Codex's command that outlasts its yield", () => {
  it('is waited on until it ends, and the scenario reads its whole output once', async () => {
    const model = oneCommand();
    const { openai } = speakEngines(model);
    const prompt = { type: 'message', role: 'user', content: 'Do the work.' };
    const [exec] = calls(await openai(request([prompt]), 0));
    expect(exec?.name).toBe('exec_command');
    const started = [prompt, ...answered(exec, RUNNING, 'first part\n')];

    // Still running: the dialect waits on its session; the scenario is not asked.
    const [wait] = calls(await openai(request(started), 1));
    expect(wait?.name).toBe('write_stdin');
    expect(JSON.parse(wait?.arguments ?? '{}')).toMatchObject({ session_id: 4487, chars: '' });
    expect(model.asked).toHaveLength(1);

    // Still running after the wait: it waits again.
    const waited = [...started, ...answered(wait, RUNNING, 'second part\n')];
    const [again] = calls(await openai(request(waited), 2));
    expect(again?.name).toBe('write_stdin');
    expect(model.asked).toHaveLength(1);

    // Ended: the scenario reads one result of the command, its output whole, with its exit code.
    const ended = [...waited, ...answered(again, 'Process exited with code 3', 'last part\n')];
    const reply = await openai(request(ended), 3);
    expect(calls(reply)).toEqual([]);
    expect(model.asked).toHaveLength(2);
    const messages = model.asked[1]?.body.messages ?? [];
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[1]?.content).toEqual([
      { type: 'tool_use', id: exec?.call_id, name: 'bash', input: { command: 'probe' } },
    ]);
    expect(messages[2]?.content).toEqual([
      {
        type: 'tool_result',
        tool_use_id: exec?.call_id,
        content: 'first part\nsecond part\nlast part\n\n\n[exit code 3]',
      },
    ]);
  });
});
