import type { CodingEngine } from '../../../core/sessions/engines.js';
import type { UnpackedPin } from './engine-tree.js';

/**
 * The engine versions a Baton release runs, pinned (each in its engine's
 * folder, e.g. claude-code/claude-code-engine.ts): a version of the npm
 * package people install (`@anthropic-ai/claude-code`, `@openai/codex`), and
 * for each runner platform the one package a session needs of it, the native
 * binary's, by its registry tarball and the integrity the registry publishes
 * for it (`npm view <package>@<version> dist.integrity`). The installer
 * (install-engine.ts) takes nothing that does not match. Changing a pin is a
 * release of Baton, like a change of its own code.
 */
export interface EnginePin {
  engine: CodingEngine;
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
  /**
   * The tarball's `package/` folder unpacked, as engine-tree.ts hashes it: what a
   * session may copy from the unpacked engine an earlier session of the machine
   * left in the cache (`npx tsx scripts/engine-pins.ts` prints it for every pin).
   */
  unpacked: UnpackedPin;
  /** The executable, relative to the tarball's `package/` folder. */
  binary: string;
  /** Folders of helper programs it expects on PATH (Codex's own ripgrep), relative likewise. */
  path: string[];
}

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
