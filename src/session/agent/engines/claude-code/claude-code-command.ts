import path from 'node:path';
import { baseEnv, type EngineCommand, type EngineRunInput } from '../engine-commands.js';

/** Claude Code's tools a session gets: the shell and the file tools; the web ones for research. */
const CLAUDE_TOOLS = ['Bash', 'Read', 'Edit', 'Write', 'Glob', 'Grep'];
const CLAUDE_WEB_TOOLS = ['WebSearch', 'WebFetch'];

/**
 * `claude -p` (print mode: one conversation, then exit) with stream-json
 * input and output: the prompt and every later message are user messages on
 * its standard input (claude-code-talk.ts); acting without permission prompts; settings only from its own HOME
 * (never the work tree's `.claude/`, which a worker branch could have
 * planted), no MCP server, no slash command; `--continue` picks up the
 * conversation of the run before (sessions are kept in HOME for that). Every
 * model it could pick besides `--model` (its aliases, the small model of its
 * side tasks, subagents') is pinned to the session's model by its documented
 * variables (https://code.claude.com/docs/en/model-config).
 */
export function claudeCommand(input: EngineRunInput): EngineCommand {
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
