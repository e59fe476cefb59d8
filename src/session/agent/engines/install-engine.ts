/**
 * Installs a pinned engine on demand into a tool cache, the same way in
 * Actions (where the workflow keeps the cache between runs with
 * `actions/cache`) and in tests: the platform package's tarball from the npm
 * registry, checked against the pinned integrity before anything of it is
 * unpacked, unpacked with the system's `tar` beside its final place and moved
 * there whole, with a marker of the integrity it came from. Found again by that
 * marker: a half-unpacked or other version's folder is never used.
 */

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import {
  access,
  chmod,
  constants,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { promisify } from 'node:util';
import type { Engine } from '../../../core/vocabulary/engine-names.js';
import { programPath } from '../../programs.js';
import {
  ENGINE_PINS,
  type EnginePin,
  enginePlatform,
  installName,
  type PlatformPin,
} from './engine-pins.js';

const run = promisify(execFile);

/** An engine ready to run: its pinned binary and what it needs on PATH. */
export interface InstalledEngine {
  engine: Exclude<Engine, 'baton'>;
  version: string;
  /** The folder of this install, which the sandbox lets the tools user read. */
  root: string;
  binary: string;
  pathDirs: string[];
  /** Whether this call downloaded it (false: found in the cache). */
  downloaded: boolean;
}

/** The engine cannot be installed here: what to do about it. */
export class EngineInstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineInstallError';
  }
}

const REGISTRY = 'https://registry.npmjs.org/';
const MARKER = '.baton-integrity';

/**
 * Where engines are cached: `BATON_ENGINE_CACHE`, else the runner's tool cache
 * (`RUNNER_TOOL_CACHE`, which GitHub's runners keep on a disk every job may
 * read), else the system's temp folder.
 */
export function engineCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.BATON_ENGINE_CACHE) return env.BATON_ENGINE_CACHE;
  if (env.RUNNER_TOOL_CACHE) return path.join(env.RUNNER_TOOL_CACHE, 'baton-engines');
  return path.join(tmpdir(), 'baton-engines');
}

/** The pin of `engine` for this machine, or why there is none. */
export function platformPin(engine: Exclude<Engine, 'baton'>): {
  pin: EnginePin;
  platform: PlatformPin;
  dir: string;
} {
  const pin = ENGINE_PINS[engine];
  const platform = enginePlatform();
  const pinned = platform ? pin.platforms[platform] : undefined;
  if (!platform || !pinned) {
    throw new EngineInstallError(
      `the ${engine} engine runs on Linux runners (x64 or arm64), not on ${process.platform}-${process.arch}: run this session on such a runner (session.runsOn) or on the baton engine`,
    );
  }
  return { pin, platform: pinned, dir: installName(pin, platform) };
}

/** Finds the pinned engine in the cache, or downloads, checks and unpacks it there. */
export async function ensureEngine({
  engine,
  cacheDir,
  registry = REGISTRY,
  fetchImpl = globalThis.fetch,
  log = () => {},
}: {
  engine: Exclude<Engine, 'baton'>;
  cacheDir: string;
  registry?: string;
  fetchImpl?: typeof globalThis.fetch;
  log?: (line: string) => void;
}): Promise<InstalledEngine> {
  const { pin, platform, dir } = platformPin(engine);
  const root = path.join(cacheDir, dir);
  const found = await findInstall(root, platform);
  const installed = (downloaded: boolean): InstalledEngine => ({
    engine,
    version: pin.version,
    root,
    binary: path.join(root, platform.binary),
    pathDirs: platform.path.map((dir) => path.join(root, dir)),
    downloaded,
  });
  if (found) return installed(false);
  const started = performance.now();
  await mkdir(cacheDir, { recursive: true, mode: 0o755 });
  const work = await mkdtemp(path.join(cacheDir, `.${dir}-`));
  try {
    const tarball = path.join(work, 'package.tgz');
    await download({
      url: new URL(platform.tarball, withSlash(registry)),
      to: tarball,
      integrity: platform.integrity,
      fetchImpl,
    });
    const unpacked = path.join(work, 'unpacked');
    await mkdir(unpacked);
    await run(programPath('tar'), [
      '-xzf',
      tarball,
      '-C',
      unpacked,
      '--no-same-owner',
      '--no-same-permissions',
    ]);
    const top = path.join(unpacked, 'package');
    await writeFile(path.join(top, MARKER), platform.integrity);
    // The tools user runs it: every folder may be entered, every file read.
    await run(programPath('chmod'), ['-R', 'u+rwX,go+rX,go-w', '--', top]);
    await rm(root, { recursive: true, force: true });
    await rename(top, root);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  if (!(await findInstall(root, platform))) {
    throw new EngineInstallError(
      `${pin.package}@${pin.version} unpacked without its binary ${platform.binary}`,
    );
  }
  log(
    `engine: installed ${pin.package}@${pin.version} (${dir}) in ${Math.round(performance.now() - started)} ms`,
  );
  return installed(true);
}

/** Whether `root` holds the install of exactly this pin, with its binary executable. */
async function findInstall(root: string, platform: PlatformPin): Promise<boolean> {
  try {
    const marker = await readFile(path.join(root, MARKER), 'utf8');
    if (marker !== platform.integrity) return false;
    await access(path.join(root, platform.binary), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Streams the tarball to a file, hashing it on the way; refuses one that does not match. */
async function download({
  url,
  to,
  integrity,
  fetchImpl,
}: {
  url: URL;
  to: string;
  integrity: string;
  fetchImpl: typeof globalThis.fetch;
}): Promise<void> {
  const [algorithm, expected] = integrity.split('-', 2) as [string, string];
  let response: Response;
  try {
    response = await fetchImpl(url);
  } catch (error) {
    throw new EngineInstallError(
      `could not download ${url.href}: ${error instanceof Error ? error.message : String(error)}; the agent job needs the npm registry to install the engine (or a warm cache, see docs/sessions.md, "Engines")`,
    );
  }
  if (!response.ok || !response.body) {
    throw new EngineInstallError(`could not download ${url.href}: HTTP ${response.status}`);
  }
  const hash = createHash(algorithm);
  const source = Readable.fromWeb(response.body as ReadableStream);
  source.on('data', (chunk: Buffer) => hash.update(chunk));
  await pipeline(source, createWriteStream(to, { mode: 0o600 }));
  const actual = hash.digest('base64');
  if (actual !== expected) {
    throw new EngineInstallError(
      `${url.href} does not match its pinned integrity (${algorithm}-${actual.slice(0, 16)}… instead of ${integrity.slice(0, 23)}…): nothing of it was unpacked`,
    );
  }
  await chmod(to, 0o600);
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
