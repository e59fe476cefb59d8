/**
 * The job's setup before a session, as a repository's
 * `.github/actions/baton-setup` runs it on the checkout of the head (the
 * setup is the default branch's; what it installs follows the head's files),
 * played with no network:
 *
 * - `npm`: the packages the head's `package-lock.json` names, laid out as
 *   `npm ci` lays them out: a registry package from this repository's own
 *   install (the same package the registry would give), linked, or copied
 *   with every package it depends on (`copy`: a confined session's sandbox
 *   shows the checkout, not this repository); a local one linked from the
 *   checkout (a link, a workspace) or unpacked into `node_modules` (`file:`),
 *   each package's programs in `node_modules/.bin`; then its `postinstall`
 *   script, as `npm ci` runs lifecycle scripts.
 * - `script`: the head's `scripts/setup.sh`, where it has one.
 *
 * Both may write `NAME=value` lines to `$GITHUB_ENV`, which the runner adds to
 * every later step's environment: the answer is what they wrote there, beside
 * `GOPROXY=off` (nothing is fetched).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';

/** What a repository's setup does: install its packages, run its script, or nothing. */
export type Setup = 'npm' | 'script' | 'none';

const OWN_MODULES = path.resolve('node_modules');

export async function setUpJob(
  root: string,
  setup: Setup,
  { copy = false }: { copy?: boolean } = {},
): Promise<Record<string, string>> {
  const envFile = path.join(root, '.git', 'github-env');
  writeFileSync(envFile, '');
  const env = { ...process.env, GITHUB_ENV: envFile } as Record<string, string>;
  if (setup === 'npm') {
    await npmInstall(root, copy);
    const scripts = readJson(path.join(root, 'package.json'))?.scripts as
      | Record<string, string>
      | undefined;
    if (scripts?.postinstall) {
      const bin = path.join(root, 'node_modules', '.bin');
      run(root, scripts.postinstall, { ...env, PATH: `${bin}:${env.PATH ?? ''}` });
    }
  }
  if (setup === 'script' && existsSync(path.join(root, 'scripts', 'setup.sh'))) {
    run(root, 'sh scripts/setup.sh', env);
  }
  return { GOPROXY: 'off', ...readEnvFile(readFileSync(envFile, 'utf8')) };
}

function run(root: string, command: string, env: Record<string, string>): void {
  execFileSync('sh', ['-c', command], { cwd: root, env, stdio: 'ignore', timeout: 60_000 });
}

/** `NAME=value` lines, as the runner reads `$GITHUB_ENV`. */
function readEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) env[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return env;
}

interface LockEntry {
  name?: string;
  resolved?: string;
  link?: boolean;
}

/** The packages of the head's lock file (and its workspaces), each linked at `node_modules/<name>`. */
async function npmInstall(root: string, copy: boolean): Promise<void> {
  const modules = path.join(root, 'node_modules');
  await mkdir(path.join(modules, '.bin'), { recursive: true });
  const lock = readJson(path.join(root, 'package-lock.json'));
  const packages = (lock?.packages ?? {}) as Record<string, LockEntry>;
  for (const [key, entry] of Object.entries(packages)) {
    const name = key.startsWith('node_modules/') ? key.slice('node_modules/'.length) : null;
    if (!name || name.includes('node_modules/')) continue;
    const target = targetOf(root, name, entry);
    if (copy && target.registry) await copyWithDependencies(root, name);
    else await linkPackage(root, name, target);
  }
  const manifest = readJson(path.join(root, 'package.json'));
  for (const pattern of (manifest?.workspaces ?? []) as string[]) {
    const folder = path.join(root, pattern.replace(/\/\*$/, ''));
    const found = pattern.endsWith('/*') && existsSync(folder) ? readdirSync(folder) : [''];
    for (const each of found) {
      const dir = path.join(folder, each);
      const name = readJson(path.join(dir, 'package.json'))?.name;
      if (typeof name === 'string') await linkPackage(root, name, { from: dir, copy: false });
    }
  }
}

/**
 * Where npm takes a locked package from: a link to a local folder (`link`),
 * a local package it unpacks as it would a packed one (`file:`, copied), or
 * the registry (this repository's copy, linked).
 */
function targetOf(root: string, name: string, entry: LockEntry): Target {
  if (entry.link && entry.resolved)
    return { from: path.resolve(root, entry.resolved), copy: false };
  if (entry.resolved?.startsWith('file:')) {
    return { from: path.resolve(root, entry.resolved.slice('file:'.length)), copy: true };
  }
  return { from: path.join(OWN_MODULES, entry.name ?? name), copy: false, registry: true };
}

interface Target {
  from: string;
  copy: boolean;
  /** A registry package, taken from this repository's own install. */
  registry?: boolean;
}

/**
 * A registry package copied from this repository's install with every package it needs (its
 * dependencies, found at this install's top level), each as `npm ci` would place it.
 */
async function copyWithDependencies(root: string, name: string): Promise<void> {
  const queue = [name];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const next = queue.pop() as string;
    if (seen.has(next) || !existsSync(path.join(OWN_MODULES, next, 'package.json'))) continue;
    seen.add(next);
    await linkPackage(root, next, { from: path.join(OWN_MODULES, next), copy: true });
    const manifest = readJson(path.join(OWN_MODULES, next, 'package.json'));
    const needs = { ...(manifest?.dependencies ?? {}), ...(manifest?.optionalDependencies ?? {}) };
    queue.push(...Object.keys(needs as Record<string, string>));
  }
}

async function linkPackage(root: string, name: string, { from, copy }: Target): Promise<void> {
  const at = path.join(root, 'node_modules', name);
  if (existsSync(at)) return;
  await mkdir(path.dirname(at), { recursive: true });
  if (copy) cpSync(from, at, { recursive: true });
  else await symlink(from, at);
  const target = copy ? at : from;
  const bins = readJson(path.join(target, 'package.json'))?.bin;
  const named =
    typeof bins === 'string' ? { [name.split('/').at(-1) ?? name]: bins } : (bins ?? {});
  for (const [bin, file] of Object.entries(named as Record<string, string>)) {
    const link = path.join(root, 'node_modules', '.bin', bin);
    // Within the checkout, relative as npm makes it: an engine's sandbox may show the checkout elsewhere.
    const program = path.join(target, file);
    const to = copy ? path.relative(path.dirname(link), program) : program;
    if (!existsSync(link)) await symlink(to, link);
  }
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}
