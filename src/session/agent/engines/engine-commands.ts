/**
 * How each engine is started for one run of a session, and how its output is
 * read: the exact command lines and environments that run Claude Code and
 * Codex non-interactively, with nothing reached but the model proxy (their
 * own update checks, telemetry and plugin fetches turned off by their
 * documented settings), the role prompt passed by path, and the permission to
 * act without asking, which is safe only because the whole engine runs in
 * Baton's sandbox as the tools user.
 */
import path from 'node:path';
import type { Engine } from '../../../core/vocabulary/engine-names.js';
import { SYSTEM_PATH } from '../../programs.js';

export type CodingEngine = Exclude<Engine, 'baton'>;

/** What one run needs to know to be started. */
export interface EngineRunInput {
  binary: string;
  /** Helper programs' folders the engine expects first on PATH. */
  pathDirs: readonly string[];
  /** The PATH the session's commands have (the project's setup may have added its toolchain). */
  basePath: string;
  /** The first message: the role's prompt, which names the brief and every file by path. */
  prompt: string;
  model: string;
  /** The role's system prompt with the engine's hand-in instructions; the engine reads it from a file. */
  system: string;
  workDir: string;
  /** The run's own HOME (and its temp folder inside it). */
  home: string;
  /** Where the model proxy is reached from inside the sandbox, and the key it takes. */
  modelUrl: string;
  token: string;
  /** The providers' web tools: research sessions only. */
  web: boolean;
  maxTurns: number;
  /** A later run of the same session: go on with the conversation the earlier run left. */
  resume: boolean;
}

/** A command line, its environment (nothing else is passed) and files it needs in its HOME first. */
export interface EngineCommand {
  args: string[];
  env: Record<string, string>;
  files: { path: string; content: string }[];
}

/** Claude Code's tools a session gets: the shell and the file tools; the web ones for research. */
const CLAUDE_TOOLS = ['Bash', 'Read', 'Edit', 'Write', 'Glob', 'Grep'];
const CLAUDE_WEB_TOOLS = ['WebSearch', 'WebFetch'];

/** The engine's own command line for one run. */
export function engineCommand(engine: CodingEngine, input: EngineRunInput): EngineCommand {
  return engine === 'claude-code' ? claudeCommand(input) : codexCommand(input);
}

function baseEnv(input: EngineRunInput): Record<string, string> {
  return {
    HOME: input.home,
    PATH: [...input.pathDirs, input.basePath || SYSTEM_PATH].join(':'),
    LANG: 'C.UTF-8',
    TMPDIR: path.join(input.home, 'tmp'),
  };
}

/**
 * `claude -p` (print mode: one conversation, then exit) with stream-json
 * input and output: the prompt and every later message are user messages on
 * its standard input (engine-talk.ts); acting without permission prompts; settings only from its own HOME
 * (never the work tree's `.claude/`, which a worker branch could have
 * planted), no MCP server, no slash command; `--continue` picks up the
 * conversation of the run before (sessions are kept in HOME for that). Every
 * model it could pick besides `--model` (its aliases, the small model of its
 * side tasks, subagents') is pinned to the session's model by its documented
 * variables (https://code.claude.com/docs/en/model-config).
 */
function claudeCommand(input: EngineRunInput): EngineCommand {
  const tools = [...CLAUDE_TOOLS, ...(input.web ? CLAUDE_WEB_TOOLS : [])];
  const systemFile = path.join(input.home, '.baton', 'system-prompt.md');
  return {
    args: [
      '-p',
      '--input-format',
      'stream-json',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'bypassPermissions',
      '--model',
      input.model,
      '--append-system-prompt-file',
      systemFile,
      '--tools',
      tools.join(','),
      '--setting-sources',
      'user',
      '--strict-mcp-config',
      '--disable-slash-commands',
      '--max-turns',
      String(input.maxTurns),
      ...(input.resume ? ['--continue'] : []),
    ],
    env: {
      ...baseEnv(input),
      ANTHROPIC_BASE_URL: input.modelUrl,
      ANTHROPIC_API_KEY: input.token,
      // No update check, telemetry, error reports or side requests: only the model's own calls.
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      // A model id is sent as configured, never swapped for a newer one of its family.
      CLAUDE_CODE_DISABLE_LEGACY_MODEL_REMAP: '1',
      // Its side work (the small, fast model's tasks), subagents and every model alias run on
      // the session's model: the model proxy lets through only the config's models.
      ANTHROPIC_DEFAULT_HAIKU_MODEL: input.model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: input.model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: input.model,
      ANTHROPIC_DEFAULT_FABLE_MODEL: input.model,
      CLAUDE_CODE_SUBAGENT_MODEL: input.model,
      // Its temp files (task outputs, sockets) stay in this run's folder.
      CLAUDE_CODE_TMPDIR: path.join(input.home, 'tmp'),
      CLAUDE_CODE_MAX_RETRIES: '2',
    },
    files: [{ path: systemFile, content: input.system }],
  };
}

/**
 * `codex app-server` over standard input and output (engine-talk.ts speaks its
 * JSON-RPC: a thread in the work tree, a turn with the prompt, `turn/steer` for
 * a message while it works), on a model provider that is the model proxy
 * (Responses API), without its plugin and analytics traffic, without the
 * provider's web search unless allowed, and without its own sandbox (the
 * thread's `sandbox: danger-full-access`, `approvalPolicy: never`): Codex's
 * bubblewrap needs user namespaces, which Baton's sandbox does not give, and
 * Baton's sandbox is the one that confines it. A later run resumes its thread
 * (`thread/resume`). The role prompt is `AGENTS.md` in CODEX_HOME, which
 * Codex reads as the user's own instructions.
 */
function codexCommand(input: EngineRunInput): EngineCommand {
  const codexHome = path.join(input.home, '.codex');
  const provider = [
    'name="baton"',
    `base_url="${input.modelUrl}/v1"`,
    'env_key="BATON_MODEL_TOKEN"',
    'wire_api="responses"',
    'request_max_retries=2',
    'stream_max_retries=2',
  ].join(', ');
  return {
    args: [
      'app-server',
      '--listen',
      'stdio://',
      '--disable',
      'plugins',
      '-c',
      'analytics.enabled=false',
      '-c',
      'model_provider="baton"',
      '-c',
      `model_providers.baton={${provider}}`,
      '-c',
      `web_search="${input.web ? 'live' : 'disabled'}"`,
    ],
    env: {
      ...baseEnv(input),
      CODEX_HOME: codexHome,
      BATON_MODEL_TOKEN: input.token,
    },
    files: [{ path: path.join(codexHome, 'AGENTS.md'), content: input.system }],
  };
}

/** How a run ended, as the engine's own output says. */
export interface EngineRunReport {
  /** The engine says it finished its turn (it may still have handed nothing in). */
  finished: boolean;
  /** Why not, in the engine's words, cut to a line. */
  error: string | null;
  /** The engine's tool calls by name, for the job summary. */
  tools: Map<string, number>;
}
