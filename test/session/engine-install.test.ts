import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeEngineCacheOutputs } from '../../src/session/agent/engines/engine-cache.js';
import type { EnginePin } from '../../src/session/agent/engines/engine-pins.js';
import { pinOfTree } from '../../src/session/agent/engines/engine-tree.js';
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

/** The fake engine's pin: its tarball's integrity, and its files as the tarball unpacks them. */
async function pinOf(bytes: Buffer): Promise<PinnedPlatform> {
  const dir = await makeTempDir('baton-engine-pin-');
  await writeFile(path.join(dir, 'package.tgz'), bytes);
  execFileSync('tar', ['-xzf', path.join(dir, 'package.tgz'), '-C', dir]);
  const unpacked = await pinOfTree(path.join(dir, 'package'));
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
      unpacked,
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

  it('keeps the checked tarball and its unpacked copy; a later session checks the copy and runs it where it is', async () => {
    const genuine = await packageTarball(GENUINE);
    const pinned = await pinOf(genuine);
    const registry = registryOf(genuine);
    const cacheDir = await makeTempDir('baton-engine-cache-');
    const lines: string[] = [];

    const first = await installFake({ cacheDir, pinned, registry, log: lines });
    expect(first.downloaded).toBe(true);
    expect(await readFile(first.binary, 'utf8')).toBe(GENUINE);
    expect(await readdir(path.join(cacheDir, pinned.dir))).toEqual([CACHED_TARBALL, 'unpacked']);
    // The sandbox and every conversation of the session get the same install.
    expect(await installFake({ cacheDir, pinned, registry })).toBe(first);

    // The next session (a new process): the unpacked copy, checked and run where it is.
    forgetInstalledEngines();
    expect(existsSync(first.root)).toBe(false);
    const next = await installFake({ cacheDir, pinned, registry, log: lines });
    expect(next.downloaded).toBe(false);
    expect(next.root).toBe(path.join(cacheDir, pinned.dir, 'unpacked'));
    expect(await readFile(next.binary, 'utf8')).toBe(GENUINE);
    // Its end removes nothing of the cache.
    forgetInstalledEngines();
    expect(await readdir(path.join(cacheDir, pinned.dir))).toEqual([CACHED_TARBALL, 'unpacked']);

    // With no unpacked copy, the tarball found in the cache is checked and unpacked.
    forgetInstalledEngines();
    await rm(path.join(cacheDir, pinned.dir, 'unpacked'), { recursive: true });
    const third = await installFake({ cacheDir, pinned, registry, log: lines });
    expect(third.downloaded).toBe(false);
    expect(await readFile(third.binary, 'utf8')).toBe(GENUINE);
    expect(registry.downloads).toEqual([
      'http://registry.invalid/@baton-test/fake-engine/-/fake-engine-1.0.0.tgz',
    ]);
    expect(lines).toEqual([
      expect.stringMatching(
        /^engine: downloaded @baton-test\/fake-engine@1.0.0 .* checked and unpacked in \d+ ms$/,
      ),
      expect.stringMatching(
        /^engine: checked the unpacked @baton-test\/fake-engine@1.0.0 .* in the cache in \d+ ms$/,
      ),
      expect.stringMatching(
        /^engine: found in the cache @baton-test\/fake-engine@1.0.0 .* checked and unpacked in \d+ ms$/,
      ),
    ]);
  });

  it('unpacks with the system’s gzip, never one a step put first on PATH (a checkout’s node_modules/.bin)', async () => {
    const genuine = await packageTarball(GENUINE);
    const pinned = await pinOf(genuine);
    const planted = await makeTempDir('baton-planted-bin-');
    const marker = path.join(await makeTempDir('baton-planted-proof-'), 'ran');
    const real = spawnSync('sh', ['-c', 'command -v gzip'], { encoding: 'utf8' }).stdout.trim();
    await writeFile(
      path.join(planted, 'gzip'),
      `#!/bin/sh\necho gzip >> ${marker}\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    const testPath = process.env.PATH;
    process.env.PATH = `${planted}:${testPath}`;
    try {
      const installed = await installFake({
        cacheDir: await makeTempDir('baton-engine-cache-'),
        pinned,
        registry: registryOf(genuine),
      });
      expect(await readFile(installed.binary, 'utf8')).toBe(GENUINE);
    } finally {
      process.env.PATH = testPath;
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a pin whose files are not what its tarball unpacks into, and runs nothing', async () => {
    const genuine = await packageTarball(GENUINE);
    const pinned = await pinOf(genuine);
    const wrong = {
      ...pinned,
      platform: { ...pinned.platform, unpacked: { ...pinned.platform.unpacked, bytes: 1 } },
    };
    const cacheDir = await makeTempDir('baton-engine-cache-');
    await expect(
      installFake({ cacheDir, pinned: wrong, registry: registryOf(genuine) }),
    ).rejects.toThrow(/unpacks into other files than its pin names .* the pin is wrong/);
    // Nothing of it is left for a later session to copy: no unpacked copy, no staging folder.
    expect(await readdir(path.join(cacheDir, pinned.dir))).toEqual([CACHED_TARBALL]);
  });

  /** What a forged unpacked copy holds beside its `package.json`, where the engine's binary should be. */
  const UNPACKED_POISONS: {
    name: string;
    plant: (unpacked: string) => Promise<void>;
    /** Why the session says it refused the copy. */
    why: RegExp;
  }[] = [
    {
      name: 'an unpacked copy with another binary',
      // As long as the genuine one: the copy is refused by its digest, not its size.
      plant: (unpacked) =>
        writeFile(path.join(unpacked, 'claude'), GENUINE.replace('genuine', 'forged!'), {
          mode: 0o755,
        }),
      why: /\(other files\)/,
    },
    {
      name: 'an unpacked copy with the genuine binary and its other file under another name',
      plant: async (unpacked) => {
        await writeFile(path.join(unpacked, 'claude'), GENUINE, { mode: 0o755 });
        await rename(path.join(unpacked, 'package.json'), path.join(unpacked, 'preload.so'));
      },
      why: /\(other files\)/,
    },
    {
      name: 'an unpacked copy whose binary is a link to another',
      plant: async (unpacked) => {
        await writeFile(path.join(path.dirname(unpacked), 'elsewhere'), FORGED, { mode: 0o755 });
        await symlink(
          path.join(path.dirname(unpacked), 'elsewhere'),
          path.join(unpacked, 'claude'),
        );
      },
      why: /claude is neither a folder nor a regular file/,
    },
    {
      name: 'an unpacked copy that is a link to a folder of a forged engine',
      plant: async (unpacked) => {
        const forged = path.join(path.dirname(unpacked), 'forged');
        await rename(unpacked, forged);
        await writeFile(path.join(forged, 'claude'), FORGED, { mode: 0o755 });
        await symlink(forged, unpacked);
      },
      why: /unpacked is not a folder/,
    },
    {
      name: 'an unpacked copy whose binary is a named pipe',
      plant: async (unpacked) => {
        execFileSync('mkfifo', [path.join(unpacked, 'claude')]);
      },
      why: /claude is neither a folder nor a regular file/,
    },
    {
      name: 'an unpacked copy whose binary is larger than the pin says (a sparse gigabyte)',
      plant: async (unpacked) => {
        await writeFile(path.join(unpacked, 'claude'), GENUINE, { mode: 0o755 });
        await truncate(path.join(unpacked, 'claude'), 1024 ** 3);
      },
      why: /more than the pinned \d+ bytes/,
    },
    // The genuine files, which another user could change after the session checked them.
    {
      name: 'a genuine unpacked copy whose binary other users may write',
      plant: async (unpacked) => {
        await writeFile(path.join(unpacked, 'claude'), GENUINE, { mode: 0o755 });
        await chmod(path.join(unpacked, 'claude'), 0o777);
      },
      why: /claude may be written by other users/,
    },
    {
      name: 'a genuine unpacked copy in a folder another user owns',
      plant: async (unpacked) => {
        await writeFile(path.join(unpacked, 'claude'), GENUINE, { mode: 0o755 });
        await chown(unpacked, 65534, 65534);
      },
      why: /unpacked belongs to another user \(65534\)/,
    },
    {
      name: 'a genuine unpacked copy in an engine folder other users may write',
      plant: async (unpacked) => {
        await writeFile(path.join(unpacked, 'claude'), GENUINE, { mode: 0o755 });
        await chmod(path.dirname(unpacked), 0o777);
      },
      why: /linux-x64 may be written by other users/,
    },
  ];

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
    /** Why the session says it refused what it found, where it says so. */
    why?: RegExp;
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
    ...UNPACKED_POISONS.map(({ name, plant, why }) => ({
      name: `the genuine tarball, beside ${name}`,
      plant: async (folder: string, { genuine }: { genuine: Buffer }) => {
        await writeFile(path.join(folder, CACHED_TARBALL), genuine);
        await mkdir(path.join(folder, 'unpacked'));
        await writeFile(path.join(folder, 'unpacked', 'package.json'), '{"name":"fake-engine"}\n');
        await plant(path.join(folder, 'unpacked'));
      },
      keepsGenuine: true,
      why,
    })),
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
    async ({ plant, keepsGenuine, why }) => {
      const genuine = await packageTarball(GENUINE);
      const forged = await packageTarball(FORGED);
      const pinned = await pinOf(genuine);
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
      if (why) expect(lines[0]).toMatch(why);
      // And the unpacked copy the next session may take is the genuine one.
      expect(await readdir(folder)).toEqual(expect.arrayContaining([CACHED_TARBALL, 'unpacked']));
      expect(await readFile(path.join(folder, 'unpacked', 'claude'), 'utf8')).toBe(GENUINE);
      if (!keepsGenuine) expect(await readdir(folder)).toEqual([CACHED_TARBALL, 'unpacked']);
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
        pinned: await pinOf(genuine),
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
    const pinned = await pinOf(genuine);
    await expect(installFake({ cacheDir, pinned, registry })).rejects.toThrow(EngineInstallError);
    expect(await readdir(path.join(cacheDir, pinned.dir))).toEqual([]);
    // A cache that could not be filled is tried again by the next call.
    await chmod(cacheDir, 0o755);
    const retried = registryOf(genuine);
    const installed = await installFake({ cacheDir, pinned, registry: retried });
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
