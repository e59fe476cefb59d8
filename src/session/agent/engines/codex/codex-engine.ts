import type { EngineKit } from '../engine-kit.js';
import { codexCommand } from './codex-command.js';
import { codexTalk } from './codex-talk.js';

/** OpenAI's Codex CLI (docs/sessions.md, "Engines"): its native binary and its own ripgrep, pinned. */
export const CODEX: EngineKit = {
  engine: 'codex',
  pin: {
    engine: 'codex',
    package: '@openai/codex',
    version: '0.169.0',
    platforms: {
      'linux-x64': {
        tarball: '@openai/codex/-/codex-0.169.0-linux-x64.tgz',
        integrity:
          'sha512-o05NyAOCDygSPRo1yinzxvkRSdmsZyBD9E7mbpmjRanSfM8lypqWtQgEo4XfNkwhuCR2aFu8mlGOsQGFXVbVww==',
        unpacked: {
          digest: 'sha256-cCmSn5/txeaR7QhnJ5gefn+0s0C0sC/wfC1dYjPTRBs=',
          bytes: 422_666_418,
        },
        binary: 'vendor/x86_64-unknown-linux-musl/bin/codex',
        path: ['vendor/x86_64-unknown-linux-musl/codex-path'],
      },
      'linux-arm64': {
        tarball: '@openai/codex/-/codex-0.169.0-linux-arm64.tgz',
        integrity:
          'sha512-NZ/DaQUpcQmxmqee7Z9uC1rzw3GhSbooawcaTe1LN5Yk+WlinUKGdTXJgClRT/9ogQEEM9TWxYzvxPfj5G/xFg==',
        unpacked: {
          digest: 'sha256-ilJm/GZi2lXVrfsVzdYuOyODTtxiKuywndQcPoLs8/g=',
          bytes: 421_970_532,
        },
        binary: 'vendor/aarch64-unknown-linux-musl/bin/codex',
        path: ['vendor/aarch64-unknown-linux-musl/codex-path'],
      },
    },
  },
  // CODEX_HOME: its AGENTS.md is Baton's; its sessions and state are its own.
  homeFolders: ['.codex'],
  command: codexCommand,
  talk: codexTalk,
};
