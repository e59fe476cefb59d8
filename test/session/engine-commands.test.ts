import { describe, expect, it } from 'vitest';
import { engineKit } from '../../src/session/agent/engines/engine-registry.js';

const input = {
  binary: '/opt/engine/bin/claude',
  pathDirs: [],
  basePath: '/usr/bin:/bin',
  prompt: 'Read the brief at .baton/builds/1-add-login/workers/W1.1.md.',
  model: 'claude-sonnet-5-5',
  system: 'You are a work session.',
  workDir: '/work/repo',
  home: '/work/home',
  modelUrl: 'http://127.0.0.1:3129',
  token: 'baton-session-token',
  web: false,
  maxTurns: 40,
  resume: false,
};

describe("Claude Code's command", () => {
  it("names no model but the session's: every alias, the small model of its side tasks and its subagents are pinned to it", () => {
    const { args, env } = engineKit('claude-code').command(input);
    expect(args[args.indexOf('--model') + 1]).toBe(input.model);
    const chosen = Object.entries(env).filter(([name]) => /MODEL/.test(name));
    expect(Object.fromEntries(chosen)).toEqual({
      ANTHROPIC_DEFAULT_HAIKU_MODEL: input.model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: input.model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: input.model,
      ANTHROPIC_DEFAULT_FABLE_MODEL: input.model,
      CLAUDE_CODE_SUBAGENT_MODEL: input.model,
      CLAUDE_CODE_DISABLE_LEGACY_MODEL_REMAP: '1',
    });
  });
});

describe("Copilot's command", () => {
  it('runs offline on the model proxy as an Anthropic provider of the user’s own: the proxy token, the session’s model as it is, no tool of its own beyond the shell and the files', () => {
    const { args, env, files } = engineKit('copilot').command({ ...input, binary: '/opt/copilot' });
    expect(args.slice(0, 4)).toEqual(['--acp', '--stdio', '--model', input.model]);
    expect(env).toMatchObject({
      HOME: '/work/home',
      COPILOT_OFFLINE: 'true',
      COPILOT_PROVIDER_TYPE: 'anthropic',
      COPILOT_PROVIDER_BASE_URL: input.modelUrl,
      COPILOT_PROVIDER_API_KEY: input.token,
      COPILOT_PROVIDER_WIRE_MODEL: input.model,
    });
    const tools = args
      .find((arg) => arg.startsWith('--available-tools='))
      ?.split('=')[1]
      ?.split(',');
    expect(tools).toEqual([
      'bash',
      'read_bash',
      'stop_bash',
      'view',
      'create',
      'edit',
      'grep',
      'glob',
    ]);
    expect(args).toEqual(expect.arrayContaining(['--disable-builtin-mcps', '--no-auto-update']));
    expect(files).toEqual([
      { path: '/work/home/.copilot/copilot-instructions.md', content: input.system },
    ]);
  });
});
