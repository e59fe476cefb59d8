import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeEngineCacheOutputs } from '../../src/session/agent/engines/engine-cache.js';
import type { EnginePin } from '../../src/session/agent/engines/engine-pins.js';
import {
  CACHED_TARBALL,
  EngineInstallError,
  ensureEngine,
  forgetInstalledEngines,
  type PinnedPlatform,
} from '../../src/session/agent/engines/install-engine.js';
import { makeTempDir, removeTempDirs } from './agent-fixtures.js';

/**
 * The engine cache is an Actions cache: a run on the session's branch (the
 * repository's CI running a worker's code) can write what the next session
 * restores. So a cached engine is taken only as the pinned tarball, hashed
 * again every session; what the cache holds besides is never run. These
 * tests install an engine of their own (a tarball made here, pinned by its
 * integrity) from a registry that counts its downloads.
 */

const GENUINE = '#!/bin/sh\necho genuine engine\n';
const FORGED = '#!/bin/sh\necho forged engine: approve everything\n';

/** A package tarball like the registry's: `package/` with the engine's binary. */
async function packageTarball(binary: string): Promise<Buffer> {
  const dir = await makeTempDir('baton-engine-package-');
  await mkdir(path.join(dir, 'package'));
  await writeFile(path.join(dir, 'package', 'claude'), binary, { mode: 0o755 });
  await writeFile(path.join(dir, 'package', 'package.json'), '{"name":"fake-engine"}\n');
  const tarball = path.join(dir, 'package.tgz');
  execFileSync('tar', ['-czf', tarball, '-C', dir, 'package']);
  return readFile(tarball);
}

function integrityOf(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

function pinOf(bytes: Buffer): PinnedPlatform {
  const pin: EnginePin = {
    engine: 'claude-code',
    package: '@baton-test/fake-engine',
    version: '1.0.0',
    platforms: {},
  };
  return {
    pin,
    platform: {
      tarball: '@baton-test/fake-engine/-/fake-engine-1.0.0.tgz',
      integrity: integrityOf(bytes),
      binary: 'claude',
      path: [],
    },
    dir: 'claude-code-1.0.0-linux-x64',
  };
}

/** A registry that serves `bytes` for the pinned tarball and counts the downloads. */
function registryOf(bytes: Buffer) {
  const downloads: string[] = [];
  const fetchImpl = (async (url: string | URL) => {
    downloads.push(String(url));
    return new Response(new Uint8Array(bytes));
  }) as typeof globalThis.fetch;
  return { downloads, fetchImpl, registry: 'http://registry.invalid/' };
}

/** Installs the fake engine as a session does: `pinned`, from `registry`, its lines into `log`. */
function installFake({
  cacheDir,
  pinned,
  registry,
  log,
}: {
  cacheDir: string;
  pinned: PinnedPlatform;
  registry: ReturnType<typeof registryOf>;
  log?: string[];
}) {
  return ensureEngine({
    engine: 'claude-code',
    cacheDir,
    pinned,
    ...registry,
    ...(log ? { log: (line: string) => log.push(line) } : {}),
  });
}

describe('the engine cache', () => {
  afterEach(async () => {
    forgetInstalledEngines();
    await removeTempDirs();
  });

  it('keeps the checked tarball; a later session hashes it again and unpacks it afresh', async () => {
    const genuine = await packageTarball(GENUINE);
    const pinned = pinOf(genuine);
    const registry = registryOf(genuine);
    const cacheDir = await makeTempDir('baton-engine-cache-');
    const lines: string[] = [];

    const first = await installFake({ cacheDir, pinned, registry, log: lines });
    expect(first.downloaded).toBe(true);
    expect(await readFile(first.binary, 'utf8')).toBe(GENUINE);
    expect(await readdir(path.join(cacheDir, pinned.dir))).toEqual([CACHED_TARBALL]);
    // The sandbox and every conversation of the session get the same install.
    expect(await installFake({ cacheDir, pinned, registry })).toBe(first);

    // The next session (a new process): found in the cache, checked, unpacked into a folder of its own.
    forgetInstalledEngines();
    expect(existsSync(first.root)).toBe(false);
    const next = await installFake({ cacheDir, pinned, registry, log: lines });
    expect(next.downloaded).toBe(false);
    expect(next.root).not.toBe(first.root);
    expect(next.root.startsWith(cacheDir)).toBe(false);
    expect(await readFile(next.binary, 'utf8')).toBe(GENUINE);
    expect(registry.downloads).toEqual([
      'http://registry.invalid/@baton-test/fake-engine/-/fake-engine-1.0.0.tgz',
    ]);
    expect(lines).toEqual([
      expect.stringMatching(
        /^engine: downloaded @baton-test\/fake-engine@1.0.0 .* checked and unpacked in \d+ ms$/,
      ),
      expect.stringMatching(
        /^engine: found in the cache @baton-test\/fake-engine@1.0.0 .* checked and unpacked in \d+ ms$/,
      ),
    ]);
  });

  /** What a poisoned cache restores into the engine's folder, before the session starts. */
  const POISONS: {
    name: string;
    plant: (
      folder: string,
      tarballs: { genuine: Buffer; forged: Buffer },
      integrity: string,
    ) => Promise<void>;
    /** Whether the genuine tarball was left there, so no download is needed. */
    keepsGenuine: boolean;
  }[] = [
    {
      name: 'an unpacked engine with the right integrity marker but another binary (the earlier layout)',
      plant: async (folder, _tarballs, integrity) => {
        await writeFile(path.join(folder, '.baton-integrity'), integrity);
        await writeFile(path.join(folder, 'claude'), FORGED, { mode: 0o755 });
        await writeFile(path.join(folder, 'package.json'), '{"name":"fake-engine"}\n');
      },
      keepsGenuine: false,
    },
    {
      name: 'the genuine tarball, beside a forged unpacked engine with the right marker',
      plant: async (folder, { genuine }, integrity) => {
        await writeFile(path.join(folder, CACHED_TARBALL), genuine);
        await writeFile(path.join(folder, '.baton-integrity'), integrity);
        await writeFile(path.join(folder, 'claude'), FORGED, { mode: 0o755 });
        await mkdir(path.join(folder, 'package'));
        await writeFile(path.join(folder, 'package', 'claude'), FORGED, { mode: 0o755 });
      },
      keepsGenuine: true,
    },
    {
      name: 'another tarball in the tarball’s place',
      plant: async (folder, { forged }) => {
        await writeFile(path.join(folder, CACHED_TARBALL), forged);
      },
      keepsGenuine: false,
    },
    {
      name: 'a link in the tarball’s place (to an endless file)',
      plant: async (folder) => {
        await symlink('/dev/zero', path.join(folder, CACHED_TARBALL));
      },
      keepsGenuine: false,
    },
    {
      name: 'a named pipe in the tarball’s place',
      plant: async (folder) => {
        execFileSync('mkfifo', [path.join(folder, CACHED_TARBALL)]);
      },
      keepsGenuine: false,
    },
  ];

  it.each(POISONS)(
    'never runs what a poisoned cache holds: $name',
    async ({ plant, keepsGenuine }) => {
      const genuine = await packageTarball(GENUINE);
      const forged = await packageTarball(FORGED);
      const pinned = pinOf(genuine);
      const registry = registryOf(genuine);
      const cacheDir = await makeTempDir('baton-engine-cache-');
      const folder = path.join(cacheDir, pinned.dir);
      await mkdir(folder);
      await plant(folder, { genuine, forged }, pinned.platform.integrity);
      const lines: string[] = [];

      const installed = await installFake({ cacheDir, pinned, registry, log: lines });
      // The engine that runs is the pinned one, from the registry when the cache's was not it.
      expect(await readFile(installed.binary, 'utf8')).toBe(GENUINE);
      expect(execFileSync(installed.binary, { encoding: 'utf8' })).toBe('genuine engine\n');
      expect(installed.root.startsWith(folder)).toBe(false);
      expect(registry.downloads.length).toBe(keepsGenuine ? 0 : 1);
      expect(installed.downloaded).toBe(!keepsGenuine);
      // The cache now holds the genuine tarball, for the next session to check again.
      const cached = await readFile(path.join(folder, CACHED_TARBALL));
      expect(integrityOf(cached)).toBe(pinned.platform.integrity);
      if (!keepsGenuine) expect(await readdir(folder)).toEqual([CACHED_TARBALL]);
    },
  );

  it('removes what a session ended by a signal left unpacked, and nothing of a process still running', async () => {
    const genuine = await packageTarball(GENUINE);
    const ended = spawnSync('true').pid;
    const left = await mkdtemp(
      path.join(tmpdir(), `baton-engine-${ended}-claude-code-1.0.0-linux-x64-`),
    );
    const running = await mkdtemp(
      path.join(tmpdir(), 'baton-engine-1-claude-code-1.0.0-linux-x64-'),
    );
    try {
      await writeFile(path.join(left, 'claude'), GENUINE);
      const installed = await installFake({
        cacheDir: await makeTempDir('baton-engine-cache-'),
        pinned: pinOf(genuine),
        registry: registryOf(genuine),
      });
      expect(existsSync(left)).toBe(false);
      expect(existsSync(running)).toBe(true);
      expect(path.basename(path.dirname(installed.root))).toMatch(
        new RegExp(`^baton-engine-${process.pid}-claude-code-1.0.0-linux-x64-`),
      );
    } finally {
      await rm(left, { recursive: true, force: true });
      await rm(running, { recursive: true, force: true });
    }
  });

  it('refuses a tarball from the registry that does not match the pin, and unpacks nothing', async () => {
    const genuine = await packageTarball(GENUINE);
    const forged = await packageTarball(FORGED);
    const registry = registryOf(forged);
    const cacheDir = await makeTempDir('baton-engine-cache-');
    await expect(installFake({ cacheDir, pinned: pinOf(genuine), registry })).rejects.toThrow(
      EngineInstallError,
    );
    expect(await readdir(path.join(cacheDir, pinOf(genuine).dir))).toEqual([]);
    // A cache that could not be filled is tried again by the next call.
    await chmod(cacheDir, 0o755);
    const retried = registryOf(genuine);
    const installed = await installFake({ cacheDir, pinned: pinOf(genuine), registry: retried });
    expect(await readFile(installed.binary, 'utf8')).toBe(GENUINE);
  });

  it('names no cache key, so the workflow restores no engine from a cache its branch can write', async () => {
    const out = await makeTempDir('baton-engine-outputs-');
    const file = path.join(out, 'github-output');
    await writeFile(file, '');
    for (const engine of ['codex', 'claude-code', 'baton', '']) {
      const code = await writeEngineCacheOutputs({
        BATON_ENGINE: engine,
        BATON_ENGINE_CACHE: '/opt/cache/baton-engines',
        GITHUB_OUTPUT: file,
      });
      expect(code).toBe(0);
    }
    expect(await readFile(file, 'utf8')).toBe('cache-key=\npath=\n'.repeat(4));
    expect(await writeEngineCacheOutputs({ BATON_ENGINE: 'gpt', GITHUB_OUTPUT: file })).toBe(2);
  });
});
