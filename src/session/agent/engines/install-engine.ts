/**
 * Installs a pinned engine on demand, the same way in Actions and in tests:
 * the platform package's tarball from the npm registry, checked against the
 * pinned integrity before anything of it is unpacked. The cache is trusted no
 * more than the registry: a runner's disk may be written by the jobs it ran
 * before. So a session runs only bytes it checked itself: either the unpacked
 * engine an earlier session of the machine left in the cache, hashed where it
 * is against the pinned tree and taken only when no other user can change it
 * (engine-tree.ts), or the cached tarball hashed again against the pin
 * (downloaded again when it does not match), unpacked into a folder of the
 * session's own, removed when the process ends, and its files checked against
 * the pinned tree too. Checking in place reads the tree once and writes
 * nothing: a copy cost each session 364 to 404 MB of writes and as much to remove.
 */

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import {
  access,
  chmod,
  constants,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  rename,
  rm,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { promisify } from 'node:util';
import type { CodingEngine } from '../../../core/sessions/engines.js';
import { programEnv, programPath } from '../../programs.js';
import { type EnginePin, enginePlatform, installName, type PlatformPin } from './engine-pins.js';
import { engineKit } from './engine-registry.js';
import { checkTree, copyTree, pinOfTree, type TreeCheck, type UnpackedPin } from './engine-tree.js';

const run = promisify(execFile);

/** An engine ready to run: its pinned binary and what it needs on PATH. */
export interface InstalledEngine {
  engine: CodingEngine;
  version: string;
  /** The folder of this install (unpacked for this process), which the sandbox lets the tools user read. */
  root: string;
  binary: string;
  pathDirs: string[];
  /** Whether it was downloaded (false: its tarball was found in the cache, and matched the pin). */
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
/** The pinned tarball, as the engine cache keeps it: `<cache>/<install name>/package.tgz`. */
export const CACHED_TARBALL = 'package.tgz';

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
export function platformPin(engine: CodingEngine): {
  pin: EnginePin;
  platform: PlatformPin;
  dir: string;
} {
  const pin = engineKit(engine).pin;
  const platform = enginePlatform();
  const pinned = platform ? pin.platforms[platform] : undefined;
  if (!platform || !pinned) {
    throw new EngineInstallError(
      `the ${engine} engine runs on Linux runners (x64 or arm64), not on ${process.platform}-${process.arch}: run this session on such a runner (session.runsOn) or on the baton engine`,
    );
  }
  return { pin, platform: pinned, dir: installName(pin, platform) };
}

/** The pin of one engine on this machine: which tarball, and the name of its folder in the cache. */
export type PinnedPlatform = ReturnType<typeof platformPin>;

/** This process's installs, one per engine and cache: the sandbox and every conversation use the same. */
const installs = new Map<
  string,
  { unpacked: { folder: string | null }; installed: Promise<InstalledEngine> }
>();
let removedAtExit = false;

/**
 * The pinned engine, unpacked for this process from its tarball: the cached
 * one when it matches the pinned integrity, else one downloaded (and checked)
 * and then cached. Once per process and cache; later calls answer the same.
 */
export function ensureEngine(options: {
  engine: CodingEngine;
  cacheDir: string;
  registry?: string;
  fetchImpl?: typeof globalThis.fetch;
  log?: (line: string) => void;
  /** The pin (tests give one of their own tarball's); the engine's for this machine otherwise. */
  pinned?: PinnedPlatform;
}): Promise<InstalledEngine> {
  const pinned = options.pinned ?? platformPin(options.engine);
  const key = `${path.resolve(options.cacheDir)}\0${pinned.dir}\0${pinned.platform.integrity}`;
  const known = installs.get(key);
  if (known) return known.installed;
  const unpacked: { folder: string | null } = { folder: null };
  const installed = install({ ...options, pinned }, unpacked);
  installs.set(key, { unpacked, installed });
  installed.catch(() => {
    installs.delete(key);
    if (unpacked.folder) rmSync(unpacked.folder, { recursive: true, force: true });
  });
  if (!removedAtExit) {
    removedAtExit = true;
    process.once('exit', forgetInstalledEngines);
  }
  return installed;
}

/** Removes this process's unpacked engines (at exit; tests, to play a new session). */
export function forgetInstalledEngines(): void {
  for (const { unpacked } of installs.values())
    if (unpacked.folder) rmSync(unpacked.folder, { recursive: true, force: true });
  installs.clear();
}

async function install(
  {
    engine,
    cacheDir,
    registry = REGISTRY,
    fetchImpl = globalThis.fetch,
    log = () => {},
    pinned,
  }: {
    engine: CodingEngine;
    cacheDir: string;
    registry?: string;
    fetchImpl?: typeof globalThis.fetch;
    log?: (line: string) => void;
    pinned: PinnedPlatform;
  },
  unpacked: { folder: string | null },
): Promise<InstalledEngine> {
  const { pin, platform, dir } = pinned;
  const started = performance.now();
  // The folder the workflow's cache step keeps (engine-cache.ts): the tarball, and its unpacked copy.
  const folder = path.join(cacheDir, dir);
  await removeLeftUnpacked();
  // The copy an earlier session of this machine left, run where it is when only this user can change it.
  const found = await checkTree(path.join(folder, UNPACKED), {
    owner: process.getuid?.() ?? -1,
    parents: [cacheDir, folder],
    limit: platform.unpacked.bytes,
  });
  let root: string;
  let how: 'checked' | 'downloaded' | 'found';
  if (found.result === 'checked' && samePin(found.unpacked, platform.unpacked)) {
    root = path.join(folder, UNPACKED);
    how = 'checked';
  } else {
    // Unpacked afresh for this process, in a folder of its own that only it writes.
    const into = await mkdtemp(path.join(tmpdir(), `${UNPACKED_PREFIX}${process.pid}-${dir}-`));
    unpacked.folder = into;
    await chmod(into, 0o755);
    root = path.join(into, 'package');
    how = await unpackTarball({
      into,
      folder,
      found,
      options: { cacheDir, registry, fetchImpl, log, pinned },
    });
    // The tools user runs it: every folder may be entered, every file read.
    await run(programPath('chmod'), ['-R', 'u+rwX,go+rX,go-w', '--', root], { env: programEnv() });
  }
  const binary = path.join(root, platform.binary);
  try {
    await access(binary, constants.X_OK);
  } catch {
    throw new EngineInstallError(
      `${pin.package}@${pin.version} unpacked without its binary ${platform.binary}`,
    );
  }
  const ms = Math.round(performance.now() - started);
  log(
    how === 'checked'
      ? `engine: checked the unpacked ${pin.package}@${pin.version} (${dir}) in the cache in ${ms} ms`
      : `engine: ${how === 'downloaded' ? 'downloaded' : 'found in the cache'} ${pin.package}@${pin.version} (${dir}), checked and unpacked in ${ms} ms`,
  );
  return {
    engine,
    version: pin.version,
    root,
    binary,
    pathDirs: platform.path.map((dir) => path.join(root, dir)),
    downloaded: how === 'downloaded',
  };
}

/** The unpacked copy in an engine's cache folder, beside its tarball. */
const UNPACKED = 'unpacked';

function samePin(a: UnpackedPin, b: UnpackedPin): boolean {
  return a.digest === b.digest && a.bytes === b.bytes;
}

/**
 * The engine unpacked from its pinned tarball (found in the cache, or
 * downloaded), its files checked against the pin, and a copy left in the cache
 * for the next session. Whether the tarball was downloaded or found.
 */
async function unpackTarball({
  into,
  folder,
  found,
  options,
}: {
  into: string;
  folder: string;
  found: TreeCheck;
  options: TarballOptions;
}): Promise<'downloaded' | 'found'> {
  const { pin, platform } = options.pinned;
  const root = path.join(into, 'package');
  if (found.result !== 'missing') {
    options.log(
      `engine: the unpacked ${pin.package}@${pin.version} in the cache is not the pinned one (${found.result === 'refused' ? found.why : 'other files'}); unpacking its tarball again`,
    );
  }
  const downloaded = await ensureTarball(folder, options);
  // tar starts gzip by name: with the system's PATH alone, never one a step put first on the job's.
  await run(
    programPath('tar'),
    [
      '-xzf',
      path.join(folder, CACHED_TARBALL),
      '-C',
      into,
      '--no-same-owner',
      '--no-same-permissions',
    ],
    { env: programEnv() },
  );
  // One read of the tree both checks it and stages the copy left for the next session.
  const staged = await stageUnpacked(root, folder, options.log);
  try {
    const found = staged?.unpacked ?? (await pinOfTree(root));
    if (!samePin(found, platform.unpacked)) {
      throw new EngineInstallError(
        `${pin.package}@${pin.version} unpacks into other files than its pin names (${found.digest}, ${found.bytes} bytes): the pin is wrong, and nothing of it runs`,
      );
    }
    if (staged)
      await leaveUnpacked(
        staged.staging,
        { cacheDir: options.cacheDir, folder, pinned: options.pinned },
        options.log,
      );
  } finally {
    if (staged) await rm(staged.staging, { recursive: true, force: true });
  }
  return downloaded ? 'downloaded' : 'found';
}

interface TarballOptions {
  cacheDir: string;
  registry: string;
  fetchImpl: typeof globalThis.fetch;
  log: (line: string) => void;
  pinned: PinnedPlatform;
}

/**
 * The pinned tarball in the cache: the cached one when it matches the pinned
 * integrity, else downloaded (and checked) into its place. Whether it was downloaded.
 */
async function ensureTarball(
  folder: string,
  { cacheDir, registry, fetchImpl, log, pinned: { pin, platform, dir } }: TarballOptions,
): Promise<boolean> {
  const cached = path.join(folder, CACHED_TARBALL);
  const found = await hashOf(cached, platform.integrity);
  if (found === 'matches') return false;
  if (found === 'differs') {
    log(
      `engine: the cached ${pin.package}@${pin.version} (${cached}) does not match its pinned integrity; downloading it again`,
    );
  }
  // Whatever is there (another layout, a link, a tree) goes; the checked tarball takes its place.
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true, mode: 0o755 });
  const work = await mkdtemp(path.join(cacheDir, `.${dir}-`));
  try {
    const tarball = path.join(work, CACHED_TARBALL);
    await download({
      url: new URL(platform.tarball, withSlash(registry)),
      to: tarball,
      integrity: platform.integrity,
      fetchImpl,
    });
    await chmod(tarball, 0o644);
    await rename(tarball, cached);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return true;
}

/**
 * A copy of the tree this process unpacked, in a staging folder of the cache,
 * with the pin of the bytes it wrote there (the tree's own: only this process
 * writes it); null where the cache cannot be written, or the copy stopped.
 */
async function stageUnpacked(
  root: string,
  folder: string,
  log: (line: string) => void,
): Promise<{ staging: string; unpacked: UnpackedPin } | null> {
  const staging = await mkdtemp(path.join(folder, `.${UNPACKED}-`)).catch(() => null);
  if (!staging) return null;
  try {
    const copied = await copyTree(root, staging, Number.POSITIVE_INFINITY);
    if (copied.result === 'copied') return { staging, unpacked: copied.unpacked };
  } catch (error) {
    // The cache's disk is full, or its folder went: the next session unpacks.
    log(noCopyLeft(error));
  }
  await rm(staging, { recursive: true, force: true });
  return null;
}

/**
 * Leaves the staged copy of the engine this process unpacked and checked in
 * the cache, for the next session of this machine to check and run where it
 * is (`checkTree`) rather than unpack: put in place whole, by a rename, or not
 * at all. A genuine copy already there stays (a session may be running it);
 * one that is not is moved aside whole, then removed.
 */
async function leaveUnpacked(
  staging: string,
  { cacheDir, folder, pinned }: { cacheDir: string; folder: string; pinned: PinnedPlatform },
  log: (line: string) => void,
): Promise<void> {
  const target = path.join(folder, UNPACKED);
  try {
    await chmod(staging, 0o755);
    if (await renamedInto(staging, target)) return;
    const there = await checkTree(target, {
      owner: process.getuid?.() ?? -1,
      parents: [cacheDir, folder],
      limit: pinned.platform.unpacked.bytes,
    });
    if (there.result === 'checked' && samePin(there.unpacked, pinned.platform.unpacked)) return;
    const aside = await mkdtemp(path.join(folder, `.${UNPACKED}-refused-`));
    await rename(target, path.join(aside, UNPACKED));
    await rename(staging, target);
    await rm(aside, { recursive: true, force: true });
  } catch (error) {
    // The cache cannot be written, or another session changed it meanwhile: the next one unpacks.
    log(noCopyLeft(error));
  }
}

/** Renames `from` to `to` when nothing is at `to`; false when something is. */
async function renamedInto(from: string, to: string): Promise<boolean> {
  if (await lstat(to).catch(() => null)) return false;
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') return false;
    throw error;
  }
}

/** The log's line for a copy that could not be left in the cache. */
function noCopyLeft(error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  return `engine: no unpacked copy left in the cache (${why})`;
}

/** The folders engines are unpacked into: `<temp>/baton-engine-<pid>-<install name>-<random>`. */
const UNPACKED_PREFIX = 'baton-engine-';
const UNPACKED_NAME = /^baton-engine-(\d+)-/;

/**
 * Removes what processes that have ended left unpacked (one ended by a signal
 * never ran its exit hook): folders of this user named for a pid that is gone.
 */
async function removeLeftUnpacked(): Promise<void> {
  const temp = tmpdir();
  const names = await readdir(temp).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(UNPACKED_NAME.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    const folder = path.join(temp, name);
    const stats = await lstat(folder).catch(() => null);
    if (stats?.isDirectory() && stats.uid === process.getuid?.())
      await rm(folder, { recursive: true, force: true }).catch(() => {});
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Whether the cached tarball is the pinned one, hashed whole: opened without
 * following a link, and only a regular file is read.
 */
async function hashOf(file: string, integrity: string): Promise<'matches' | 'differs' | 'missing'> {
  const [algorithm, expected] = integrity.split('-', 2) as [string, string];
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'differs';
  }
  try {
    if (!(await handle.stat()).isFile()) return 'differs';
    const hash = createHash(algorithm);
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk);
    return hash.digest('base64') === expected ? 'matches' : 'differs';
  } catch {
    return 'differs';
  } finally {
    await handle.close();
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
