/**
 * What the tests of the packed package share (test/deploy/packed-cli.test.ts,
 * test/deploy/release-publish.test.ts): a copy of the clone's tracked files
 * committed as a checkout of its own, npm run offline with none of a session's
 * or the app's variables, and a user's project that depends on the package,
 * locked to the clone's production dependencies, so that npm fetches nothing
 * but the package itself.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../sim/actions/run-step.js';

/** npm offline, and none of the variables a session, the app or a runner would set. */
export const OFFLINE = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^(BATON_|GITHUB_|RUNNER_|ACTIONS_|APP_ID$|PRIVATE_KEY|WEBHOOK_|ANTHROPIC_|OPENAI_)/.test(
          name,
        ),
    ),
  ),
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
};

interface LockEntry {
  dev?: boolean;
  [key: string]: unknown;
}

export interface Manifest {
  name: string;
  version: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  overrides: Record<string, string>;
}

export const manifest = JSON.parse(
  readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'),
) as Manifest;

/**
 * A user's project that depends on the package at `resolved` (`file:` a
 * tarball, or its URL on a registry with the `integrity` the registry gave),
 * locked to the clone's production dependencies.
 */
export function writeUserProject(
  folder: string,
  package_: { resolved: string; integrity?: string },
): void {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const root = {
    name: 'a-users-project',
    private: true,
    dependencies: {
      [manifest.name]: package_.resolved.startsWith('file:') ? package_.resolved : manifest.version,
    },
    overrides: manifest.overrides,
  };
  const packages: Record<string, LockEntry> = {
    '': { ...root, private: undefined },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: package_.resolved,
      ...(package_.integrity ? { integrity: package_.integrity } : {}),
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  // From a registry, each entry names its tarball (the clone's lock leaves that to the
  // packument), so npm takes it from its cache by integrity and asks the registry nothing else.
  const fromRegistry = !package_.resolved.startsWith('file:');
  for (const [path, entry] of Object.entries(lock.packages))
    if (path !== '' && !entry.dev)
      packages[path] =
        fromRegistry && !entry.resolved ? { ...entry, resolved: npmTarball(path, entry) } : entry;
  writeFileSync(join(folder, 'package.json'), JSON.stringify(root, null, 2));
  writeFileSync(
    join(folder, 'package-lock.json'),
    JSON.stringify({ name: root.name, lockfileVersion: 3, requires: true, packages }, null, 2),
  );
}

/** The tarball's URL on npm's registry of a lock entry at `path` (`node_modules/…/name`). */
function npmTarball(path: string, entry: LockEntry): string {
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  return `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${String(entry.version)}.tgz`;
}

/** Git in `folder`, as nobody's own configuration would change it. */
export function gitIn(folder: string): (...args: string[]) => string {
  return (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Baton', '-c', 'user.email=baton@example.com', ...args], {
      cwd: folder,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: folder, GIT_CONFIG_NOSYSTEM: '1' },
      maxBuffer: 64 * 1024 * 1024,
    }).trim();
}

/**
 * Copies the clone's tracked files into `folder`, commits them as a checkout
 * of its own, and links the clone's node_modules (what `npm ci` installs);
 * answers the commit.
 */
export function commitCopyOfClone(folder: string): string {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  for (const file of tracked.split('\0').filter(Boolean)) {
    if (existsSync(join(REPO_ROOT, file))) cpSync(join(REPO_ROOT, file), join(folder, file));
  }
  const git = gitIn(folder);
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '--no-verify', '-m', 'The release');
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(folder, 'node_modules'));
  return git('rev-parse', 'HEAD');
}
