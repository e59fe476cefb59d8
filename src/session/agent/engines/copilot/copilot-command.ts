import path from 'node:path';
import { baseEnv, type EngineCommand, type EngineRunInput } from '../engine-commands.js';

/**
 * The tools a session gets of Copilot's: the shell (and reading, stopping a
 * command it left running), the file tools, search. Not its subagents
 * (`task`, which may name another model), skills, SQL stores, its own
 * documentation fetcher or the agents' tools: Baton's role says what to do.
 */
export const COPILOT_TOOLS = [
  'bash',
  'read_bash',
  'stop_bash',
  'view',
  'create',
  'edit',
  'grep',
  'glob',
] as const;

/**
 * `copilot --acp --stdio`: its Agent Client Protocol server on standard input
 * and output (copilot-talk.ts speaks it: a session in the work tree, the
 * prompt, each later message as a prompt of its own), as GitHub documents it
 * (https://docs.github.com/en/copilot/reference/copilot-cli-reference/acp-server):
 * the tools and permissions of every session are the server's options. It
 * acts without asking (`--allow-all-tools --allow-all-paths`, safe only because
 * Baton's sandbox confines it), never asks the user, and reaches no MCP
 * server of GitHub's.
 *
 * Its model is Baton's model proxy, as a provider of the user's own (BYOK,
 * https://docs.github.com/en/copilot/how-tos/copilot-cli/customize-copilot/use-byok-models):
 * `COPILOT_PROVIDER_TYPE=anthropic` sends Messages API requests to
 * `COPILOT_PROVIDER_BASE_URL` with `COPILOT_PROVIDER_API_KEY` as `x-api-key`,
 * here the session's proxy token, never the key; `COPILOT_PROVIDER_WIRE_MODEL`
 * sends the configured model's id as it is (Copilot otherwise writes
 * `claude-sonnet-4-5` as its catalogue's `claude-sonnet-4.5`, which no
 * provider knows); `COPILOT_OFFLINE=true` makes no contact with GitHub (no
 * sign-in, telemetry, web tools, GitHub MCP server or update). The role
 * prompt is the user's own instructions, `~/.copilot/copilot-instructions.md`.
 * A later run loads the session the run before left in HOME (`session/load`).
 */
export function copilotCommand(input: EngineRunInput): EngineCommand {
  const instructions = path.join(input.home, '.copilot', 'copilot-instructions.md');
  return {
    args: [
      '--acp',
      '--stdio',
      '--model',
      input.model,
      '--allow-all-tools',
      '--allow-all-paths',
      '--no-ask-user',
      '--no-auto-update',
      '--disable-builtin-mcps',
      '--disable-client-telemetry',
      '--no-color',
      `--available-tools=${COPILOT_TOOLS.join(',')}`,
    ],
    env: {
      ...baseEnv(input),
      COPILOT_OFFLINE: 'true',
      COPILOT_AUTO_UPDATE: 'false',
      COPILOT_PROVIDER_TYPE: 'anthropic',
      COPILOT_PROVIDER_BASE_URL: input.modelUrl,
      COPILOT_PROVIDER_API_KEY: input.token,
      COPILOT_MODEL: input.model,
      COPILOT_PROVIDER_WIRE_MODEL: input.model,
      NO_COLOR: '1',
    },
    files: [{ path: instructions, content: input.system }],
  };
}
