import type { Engine } from '../../../core/vocabulary/engine-names.js';

/**
 * The engine versions a Baton release runs, pinned: a version of the npm
 * package people install (`@anthropic-ai/claude-code`, `@openai/codex`), and
 * for each runner platform the one package a session needs of it, the native
 * binary's, by its registry tarball and the integrity the registry publishes
 * for it (`npm view <package>@<version> dist.integrity`). The installer
 * (install-engine.ts) takes nothing that does not match. Changing a pin is a
 * release of Baton, like a change of its own code.
 */
export interface EnginePin {
  engine: Exclude<Engine, 'baton'>;
  /** What people install, for the docs and the job summary. */
  package: string;
  version: string;
  platforms: Readonly<Partial<Record<EnginePlatform, PlatformPin>>>;
}

/** The runner platforms the engines ship native binaries for that Baton pins. */
export type EnginePlatform = 'linux-x64' | 'linux-arm64';

export interface PlatformPin {
  /** The tarball's path on the registry, after `https://registry.npmjs.org/`. */
  tarball: string;
  /** Subresource integrity (sha512, base64) of the tarball, as the registry publishes it. */
  integrity: string;
  /** The executable, relative to the tarball's `package/` folder. */
  binary: string;
  /** Folders of helper programs it expects on PATH (Codex's own ripgrep), relative likewise. */
  path: string[];
}

export const ENGINE_PINS: Readonly<Record<EnginePin['engine'], EnginePin>> = {
  'claude-code': {
    engine: 'claude-code',
    package: '@anthropic-ai/claude-code',
    version: '2.1.330',
    platforms: {
      'linux-x64': {
        tarball: '@anthropic-ai/claude-code-linux-x64/-/claude-code-linux-x64-2.1.330.tgz',
        integrity:
          'sha512-9Gn+V7DtJ8M1nztP9CeDVl9g3RtrepI7rOFTyPRRnZe8D6zebIHKmC7OvBauucuAP0X0k85SDN/LPVZyjsGezQ==',
        binary: 'claude',
        path: [],
      },
      'linux-arm64': {
        tarball: '@anthropic-ai/claude-code-linux-arm64/-/claude-code-linux-arm64-2.1.330.tgz',
        integrity:
          'sha512-V4yanAY5EA5UpwwRPtjSfqDbNqAlUJeVn3NYZw2AgmRHjdpSsLtHAzbxRXfkAnbjwTXzE0uedjQxUY02ARPcsA==',
        binary: 'claude',
        path: [],
      },
    },
  },
  codex: {
    engine: 'codex',
    package: '@openai/codex',
    version: '0.169.0',
    platforms: {
      'linux-x64': {
        tarball: '@openai/codex/-/codex-0.169.0-linux-x64.tgz',
        integrity:
          'sha512-o05NyAOCDygSPRo1yinzxvkRSdmsZyBD9E7mbpmjRanSfM8lypqWtQgEo4XfNkwhuCR2aFu8mlGOsQGFXVbVww==',
        binary: 'vendor/x86_64-unknown-linux-musl/bin/codex',
        path: ['vendor/x86_64-unknown-linux-musl/codex-path'],
      },
      'linux-arm64': {
        tarball: '@openai/codex/-/codex-0.169.0-linux-arm64.tgz',
        integrity:
          'sha512-NZ/DaQUpcQmxmqee7Z9uC1rzw3GhSbooawcaTe1LN5Yk+WlinUKGdTXJgClRT/9ogQEEM9TWxYzvxPfj5G/xFg==',
        binary: 'vendor/aarch64-unknown-linux-musl/bin/codex',
        path: ['vendor/aarch64-unknown-linux-musl/codex-path'],
      },
    },
  },
};

/** This machine's platform, if the engines have a pinned binary for it. */
export function enginePlatform(
  platform: string = process.platform,
  arch: string = process.arch,
): EnginePlatform | null {
  if (platform !== 'linux') return null;
  if (arch === 'x64') return 'linux-x64';
  if (arch === 'arm64') return 'linux-arm64';
  return null;
}

/** The folder name of one pinned install: engine, version and platform, so versions live side by side. */
export function installName(pin: EnginePin, platform: EnginePlatform): string {
  return `${pin.engine}-${pin.version}-${platform}`;
}
