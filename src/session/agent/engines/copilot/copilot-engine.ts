import type { EngineKit } from '../engine-kit.js';
import { copilotCommand } from './copilot-command.js';
import { copilotTalk } from './copilot-talk.js';

/**
 * GitHub Copilot CLI (docs/sessions.md, "Engines"): the native binary of
 * `@github/copilot`, pinned; its models are Anthropic's, through the model
 * proxy as a provider of the user's own.
 */
export const COPILOT: EngineKit = {
  engine: 'copilot',
  pin: {
    engine: 'copilot',
    package: '@github/copilot',
    version: '1.0.102',
    platforms: {
      'linux-x64': {
        tarball: '@github/copilot-linux-x64/-/copilot-linux-x64-1.0.102.tgz',
        integrity:
          'sha512-eGHPbsP0p2QgfVZCjtbGBFZPBOJQ0DN7xIbBRAo7oG8b1zfLirQIdfI4h8Iy68Dv2cKJGJZg2/EO7W7KpIMJOw==',
        unpacked: {
          digest: 'sha256-Yvd4j4NP09B515CGIK3lmiA7laajAMlO22JAHHw21G0=',
          bytes: 197_466_861,
        },
        binary: 'copilot',
        path: [],
      },
      'linux-arm64': {
        tarball: '@github/copilot-linux-arm64/-/copilot-linux-arm64-1.0.102.tgz',
        integrity:
          'sha512-5rO0B2/AduCekrE+aUzipySKZxZY2b/tVRZ8Suy8ymPFNC0Q7HQiQ8DZhxj+3RhHR8rU2Z8KOJVAbtMlROX6+A==',
        unpacked: {
          digest: 'sha256-d1fiqLTw9SmsofjKbxdk4eCnKkW3jXFd9GWvw6IsVGo=',
          bytes: 193_338_041,
        },
        binary: 'copilot',
        path: [],
      },
    },
  },
  // COPILOT_HOME: its instructions file is Baton's; its sessions, logs and state are its own.
  homeFolders: ['.copilot'],
  command: copilotCommand,
  talk: copilotTalk,
};
