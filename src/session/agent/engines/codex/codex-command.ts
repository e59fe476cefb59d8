import path from 'node:path';
import { baseEnv, type EngineCommand, type EngineRunInput } from '../engine-commands.js';

/**
 * `codex app-server` over standard input and output (codex-talk.ts speaks its
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
export function codexCommand(input: EngineRunInput): EngineCommand {
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
