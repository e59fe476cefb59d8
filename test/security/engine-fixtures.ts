import { execFileSync } from 'node:child_process';
import {
  type CapturedRequest,
  type FakeReply,
  type FakeUsage,
  startFakeAnthropic,
} from '../../sim/fake-anthropic.js';
import { type CapturedResponsesRequest, startFakeOpenAi } from '../../sim/fake-openai.js';
import { speakEngines } from '../../sim/scenario/dialects/speak-engines.js';
import type { ScriptedModel } from '../../sim/scenario/scripted-model.js';
import type { Engine } from '../../src/core/vocabulary/engine-names.js';
import { WIND_DOWN_MARKER } from '../../src/session/agent/inbox/interjections.js';
import type { SessionResult } from '../../src/session/result.js';
import { runSession, workerRepo } from '../session/agent-fixtures.js';

/** What a test's engine session of worker W1.1 left: its result, what its model was sent, what its commands saw. */
export interface EngineRun {
  root: string;
  result: SessionResult;
  /** Every tool result the engine sent back, in Baton's words, joined. */
  seen: string;
  anthropic: CapturedRequest[];
  openai: CapturedResponsesRequest[];
  /** Requests to the fake providers on paths they do not serve. */
  unknown: string[];
  out: string;
  /** The session's log lines (the model proxy's refusals among them). */
  logs: string[];
}

/**
 * How long a case of engine sessions may take before it counts as hung: a
 * guard, not a measure. A session unpacks its engine (Claude Code's 175 MB
 * tarball into a 380 MB binary, once a file), opens the sandbox and runs the
 * engine confined, each CPU-bound: Claude Code's first case took 40 s at a
 * load of 22 on two cores, and past 180 s at 30, and only hangs past ten
 * minutes.
 */
export const ENGINE_CASE_LIMIT_MS = 600_000;

/** The OpenAI key of these tests' jobs: the model proxy holds it, and nothing else should. */
export const OPENAI_KEY = 'sk-proj-engine-test-key-5f3a9c';

/**
 * A work session of W1.1 on `engine` (any of engine-registry.ts, the real
 * binaries), confined as `user`: the model runs each command of `commands`
 * through the engine's shell tool, then hands in `complete` unless
 * `handIn` says what to answer instead (false: never). The checkout is
 * readable by all, as actions/checkout leaves it.
 */
export async function engineSession({
  engine,
  user,
  commands,
  config = '',
  files = {},
  prepare,
  handIn = { status: 'complete', summary: 'Done.', artifacts: [], decisions: [] },
  windDown,
  budgetUsd,
  usage,
  answerDelayMs = 0,
}: {
  engine: Exclude<Engine, 'baton'>;
  user: string;
  /** The model's commands, or what makes them from the fake providers' addresses (what an attacker would aim at). */
  commands:
    | readonly string[]
    | ((providers: { anthropic: string; openai: string }) => readonly string[]);
  /** More of `.github/baton.yml` (the engine is set already). */
  config?: string;
  files?: Record<string, string>;
  prepare?: (root: string) => Promise<void> | void;
  handIn?: Record<string, unknown> | false;
  /**
   * What the model hands in once it is told to wind down, after `turns` more
   * of its commands (keeping what works, as a model told does), the rest left
   * undone; unset: it goes on.
   */
  windDown?: { handIn: Record<string, unknown>; turns: number };
  budgetUsd?: number;
  /** What each model answer reports it used, or used at each turn (the fakes' own count otherwise). */
  usage?: Partial<FakeUsage> | ((turn: number) => Partial<FakeUsage>);
  /** How long the fake providers take over each answer, so that requests sent together overlap. */
  answerDelayMs?: number;
}): Promise<EngineRun> {
  const { root } = await workerRepo({
    config: `session:\n  engine: ${engine}\n${config}${budgetUsd === undefined ? '' : `budget:\n  maxUsd: ${budgetUsd}\n`}`,
    files: { 'README.md': '# demo\n', ...files },
  });
  await prepare?.(root);
  execFileSync('chmod', ['-R', 'a+rX,go-w', '--', root]);
  const lines: string[] = [];
  const model = commandsModel(lines, { handIn, windDown, usage });
  const engines = speakEngines(model);
  const slowly = async () => {
    if (answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, answerDelayMs));
  };
  const anthropic = await startFakeAnthropic({
    respond: async (request, index) => {
      await slowly();
      return engines.anthropic(request, index);
    },
  });
  const openai = await startFakeOpenAi({
    respond: async (request, index) => {
      await slowly();
      return engines.openai(request, index);
    },
  });
  const logs: string[] = [];
  lines.push(
    ...(typeof commands === 'function'
      ? commands({ anthropic: anthropic.url, openai: openai.url })
      : commands),
  );
  try {
    const { result, out } = await runSession({
      root,
      model: anthropic,
      env: {
        BATON_WORKER: 'W1.1',
        BATON_TOOL_USER: user,
        BATON_ENGINE: engine,
        OPENAI_API_KEY: OPENAI_KEY,
        OPENAI_BASE_URL: openai.url,
      },
      options: { log: (line: string) => logs.push(line) },
    });
    return {
      root,
      result,
      out,
      seen: model.seen.join('\n'),
      anthropic: anthropic.requests,
      openai: openai.requests,
      unknown: [...anthropic.unknown, ...openai.unknown],
      logs,
    };
  } finally {
    await Promise.all([anthropic.close(), openai.close()]);
  }
}

/**
 * A model in Baton's own words that runs `commands` one a turn, then hands in;
 * the dialects (sim/scenario/dialects) put it in each engine's. `seen` is
 * every tool result it was sent.
 */
function commandsModel(
  commands: readonly string[],
  {
    handIn,
    windDown,
    usage,
  }: {
    handIn: Record<string, unknown> | false;
    windDown: { handIn: Record<string, unknown>; turns: number } | undefined;
    usage: Partial<FakeUsage> | ((turn: number) => Partial<FakeUsage>) | undefined;
  },
): ScriptedModel & { seen: string[] } {
  const seen: string[] = [];
  let nextId = 1;
  const respond = (captured: CapturedRequest): FakeReply => {
    const { messages } = captured.body;
    const last = messages.at(-1);
    for (const block of Array.isArray(last?.content)
      ? (last.content as { type?: string; content?: unknown }[])
      : []) {
      if (block.type === 'tool_result') seen.push(String(block.content));
    }
    const turn = messages.filter((message) => message.role === 'assistant').length;
    const call = (name: string, input: Record<string, unknown>) => ({
      type: 'tool_use' as const,
      id: `toolu_attack_${nextId++}`,
      name,
      input,
    });
    // Told to wind down, it runs `turns` commands more, then hands in: a short answer (the fakes' own count).
    const told = messages.findIndex((message) =>
      JSON.stringify(message).includes(WIND_DOWN_MARKER),
    );
    const since = messages.slice(told).filter((message) => message.role === 'assistant').length;
    if (windDown && told >= 0 && since >= windDown.turns)
      return { message: { content: [call('submit_completion', windDown.handIn)] } };
    const used = usage ? { usage: typeof usage === 'function' ? usage(turn) : usage } : {};
    const command = commands[turn];
    if (command !== undefined)
      return { message: { content: [call('bash', { command })], ...used } };
    if (!handIn)
      return { message: { content: [{ type: 'text', text: 'Nothing to hand in.' }], ...used } };
    return { message: { content: [call('submit_completion', handIn)], ...used } };
  };
  return Object.assign(respond, { sessions: [], problems: [], errors: [], seen });
}
