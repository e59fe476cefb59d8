import type { EngineKit } from '../engine-kit.js';
import { claudeCommand } from './claude-code-command.js';
import { claudeTalk } from './claude-code-talk.js';

/** Anthropic's Claude Code (docs/sessions.md, "Engines"): its native binary, pinned. */
export const CLAUDE_CODE: EngineKit = {
  engine: 'claude-code',
  pin: {
    engine: 'claude-code',
    package: '@anthropic-ai/claude-code',
    version: '2.1.330',
    platforms: {
      'linux-x64': {
        tarball: '@anthropic-ai/claude-code-linux-x64/-/claude-code-linux-x64-2.1.330.tgz',
        integrity:
          'sha512-9Gn+V7DtJ8M1nztP9CeDVl9g3RtrepI7rOFTyPRRnZe8D6zebIHKmC7OvBauucuAP0X0k85SDN/LPVZyjsGezQ==',
        unpacked: {
          digest: 'sha256-ejs2SsTFi2F4ravB6KvHmI7cE/sezrItsPG5qZlQ20s=',
          bytes: 381_121_626,
        },
        binary: 'claude',
        path: [],
      },
      'linux-arm64': {
        tarball: '@anthropic-ai/claude-code-linux-arm64/-/claude-code-linux-arm64-2.1.330.tgz',
        integrity:
          'sha512-V4yanAY5EA5UpwwRPtjSfqDbNqAlUJeVn3NYZw2AgmRHjdpSsLtHAzbxRXfkAnbjwTXzE0uedjQxUY02ARPcsA==',
        unpacked: {
          digest: 'sha256-pYlnovOGmB5EPx04emeC2tMsKw1tngpWYeJOoJpMIuA=',
          bytes: 379_971_594,
        },
        binary: 'claude',
        path: [],
      },
    },
  },
  homeFolders: [],
  command: claudeCommand,
  talk: claudeTalk,
};
