// The CLI as a person gets it from the registry: `npm pack` (its `prepack`
// builds dist/), the tarball installed with its production dependencies only
// into a folder of its own, outside the clone, and `npx baton …` run there.
// npm works offline here, from its cache: the folder's lock is the clone's, its
// production entries under the tarball (what `npm install @baton-dev/baton`
// resolves), so nothing is fetched. It packs a copy of the clone's tracked
// files, committed and tagged as the release its version names (as the release
// workflow packs it): `prepack` empties dist/, which other tests' `baton` runs
// read, and records that commit for the installed copy's sessions. It runs on
// the Node first on PATH, which must be 22.12 or later (.ci/run's). Where
// BATON_TEST_PACKED names a folder (.ci/run's, one for the whole run), the
// tarball packed by the first pass is left there and the second installs it
// again on its own Node, as a release packed once is installed on every Node.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../sim/actions/run-step.js';
import { cliCommand } from '../../src/github/setup/source-ref.js';
import {
  commitCopyOfClone,
  gitIn,
  manifest,
  OFFLINE,
  writeUserProject,
} from '../support/packed-package.js';

const exec = promisify(execFile);

/** The tarball this run packed, and the commit it was released from. */
interface Packed {
  tarball: string;
  released: string;
}

/**
 * Packs a copy of the clone's tracked files, committed and tagged as the
 * release, into `folder`; or answers the tarball an earlier pass of this run
 * left in BATON_TEST_PACKED, leaving its own there when there is none.
 */
async function packOnce(folder: string): Promise<Packed> {
  const shared = process.env.BATON_TEST_PACKED;
  const record = shared ? join(shared, 'packed.json') : null;
  if (record && existsSync(record)) return JSON.parse(readFileSync(record, 'utf8')) as Packed;
  const source = join(folder, 'source');
  const released = commitCopyOfClone(source);
  const tag = `v${manifest.version}`;
  gitIn(source)('tag', '-a', tag, '-m', tag);
  const destination = shared ?? folder;
  mkdirSync(destination, { recursive: true });
  const { stdout } = await exec(
    'npm',
    ['pack', '--json', '--pack-destination', destination, '--no-audit', '--no-fund'],
    { cwd: source, env: OFFLINE, maxBuffer: 64 * 1024 * 1024 },
  );
  const [{ filename = '' } = {}] = JSON.parse(stdout.slice(stdout.indexOf('['))) as {
    filename?: string;
  }[];
  const packed = { tarball: join(destination, filename), released };
  if (record) writeFileSync(record, JSON.stringify(packed));
  return packed;
}

/** A stack trace's frame, or a module Node could not load: what no answer of the CLI may show. */
const CRASH = /^\s+at .+[:(]\d|ERR_MODULE_NOT_FOUND|ERR_[A-Z_]+|Error: /m;

/** Runs `npx …` in the user's project: exit code and both streams. */
function npx(cwd: string, args: string[]): Promise<{ code: number; output: string }> {
  return run(cwd, 'npx', args);
}

/** Runs the installed `baton` as npx finds it (its link in node_modules/.bin), without npm's start. */
function baton(project: string, args: string[]): Promise<{ code: number; output: string }> {
  return run(project, join(project, 'node_modules', '.bin', 'baton'), args);
}

async function run(
  cwd: string,
  file: string,
  args: string[],
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd, env: OFFLINE });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/**
 * How long packing, building and installing may take before it counts as hung:
 * a guard, not a measure. In a whole `.ci/run` beside a busy loop (load 12 to
 * 25) it took past four minutes.
 */
const INSTALL_LIMIT_MS = 900_000;

describe('the packed CLI, installed outside the clone', { timeout: 240_000 }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'baton-packed-'));
  const project = join(folder, 'project');

  let released = '';
  let tarball = '';

  beforeAll(async () => {
    const packed = await packOnce(folder);
    released = packed.released;
    tarball = packed.tarball;
    mkdirSync(join(project, '.github'), { recursive: true });
    writeUserProject(project, { resolved: `file:${packed.tarball}` });
    await exec('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: project,
      env: OFFLINE,
      maxBuffer: 16 * 1024 * 1024,
    });
  }, INSTALL_LIMIT_MS);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('holds the built CLI and no dev dependency', () => {
    const installed = join(project, 'node_modules', manifest.name);
    expect(existsSync(join(installed, 'dist/src/cli/check.js'))).toBe(true);
    // The configuration's JSON Schema, which the set-up file names for editors.
    expect(existsSync(join(installed, 'schema/baton.schema.json'))).toBe(true);
    expect(existsSync(join(installed, 'src'))).toBe(false);
    for (const name of Object.keys(manifest.devDependencies))
      expect(existsSync(join(project, 'node_modules', name)), name).toBe(false);
  });

  it('packs a tarball the clone’s git ignores, where `npm pack` in the clone leaves it', () => {
    expect(basename(tarball)).toMatch(/\.tgz$/);
    const ignored = execFileSync('git', ['check-ignore', '--no-index', basename(tarball)], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(ignored.trim()).toBe(basename(tarball));
  });

  it('checks the project’s own config with `npx baton check`', async () => {
    writeFileSync(join(project, '.github/baton.yml'), 'budget:\n  maxUsd: 5\n');
    expect(await npx(project, ['baton', 'check'])).toMatchObject({
      code: 0,
      output: expect.stringContaining('.github/baton.yml: a valid Baton config'),
    });
    writeFileSync(join(project, '.github/baton.yml'), 'budget:\n  maxUSD: 5\n');
    expect(await npx(project, [manifest.name, 'check'])).toMatchObject({
      code: 1,
      output: expect.stringContaining('maxUsd'),
    });
  });

  it.each<[string, string[], number, string]>([
    ['--help', ['--help'], 0, 'usage: baton session agent'],
    ['--version', ['--version'], 0, manifest.version],
    ['help check', ['help', 'check'], 0, 'usage: baton check'],
    ['check --help', ['check', '--help'], 0, 'usage: baton check'],
    ['doctor --help', ['doctor', '--help'], 0, 'usage: baton doctor --repo owner/name'],
    ['setup --help', ['setup', '--help'], 0, 'usage: baton setup --repo owner/name'],
    ['status --help', ['status', '--help'], 0, 'usage: baton status (--repo owner/name'],
    [
      'status without the app’s credentials',
      ['status', '--repo', 'octo-org/widgets'],
      2,
      'baton status: APP_ID and PRIVATE_KEY',
    ],
    ['audit --help', ['audit', '--help'], 0, 'usage: baton audit (--repo owner/name'],
    ['session --help', ['session', '--help'], 0, 'usage: baton session agent'],
    ['an unknown command', ['deploy'], 2, 'baton: unknown command "deploy"'],
    ['an unknown option', ['--frobnicate'], 2, 'baton: unknown option "--frobnicate"'],
    [
      'session agent outside Actions',
      ['session', 'agent'],
      2,
      "baton: the session's environment is incomplete",
    ],
    [
      'session publish outside Actions',
      ['session', 'publish'],
      2,
      "baton: the session's environment is incomplete",
    ],
    [
      'doctor without the app’s credentials',
      ['doctor', '--repo', 'octo-org/widgets'],
      2,
      'baton doctor: APP_ID and PRIVATE_KEY',
    ],
    [
      'setup without the app’s credentials',
      ['setup', '--repo', 'octo-org/widgets'],
      2,
      'baton setup: APP_ID and PRIVATE_KEY are not set',
    ],
    ['setup with a bad --repo', ['setup', '--repo', 'widgets'], 2, 'baton setup:'],
  ])('answers %s in plain words, with no stack trace', async (_, args, code, text) => {
    const answer = await baton(project, args);
    expect(answer).toMatchObject({ code, output: expect.stringContaining(text) });
    expect(answer.output).not.toMatch(CRASH);
  });

  it('prints its version with `npx --no-install baton --version` from a folder with only it installed', async () => {
    const empty = join(project, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(await npx(empty, ['--no-install', 'baton', '--version'])).toEqual({
      code: 0,
      output: `${manifest.version}\n`,
    });
  });

  it('pins its sessions to the release it was packed from, with no variable set', async () => {
    const installed = join(project, 'node_modules', manifest.name);
    const script = [
      `const { findBatonSource } = await import(${JSON.stringify(join(installed, 'dist/src/github/setup/source-ref.js'))});`,
      `const { findSourceDrift } = await import(${JSON.stringify(join(installed, 'dist/src/github/setup/checkout-state.js'))});`,
      'console.log(JSON.stringify({ source: findBatonSource({}), drift: findSourceDrift({}) }));',
    ].join('\n');
    const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script], {
      cwd: project,
      env: OFFLINE,
    });
    expect(JSON.parse(stdout)).toEqual({
      source: { ok: true, source: { repository: 'baton-dev/baton', ref: released } },
      drift: null,
    });
  });

  it('names itself as the package in its hints outside a checkout, never npm’s unrelated `baton`', async () => {
    const installed = join(
      project,
      'node_modules',
      manifest.name,
      'dist/src/github/setup/source-ref.js',
    );
    const script = `console.log((await import(${JSON.stringify(installed)})).cliCommand());`;
    const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script], {
      cwd: project,
      env: OFFLINE,
    });
    expect(stdout).toBe('npx @baton-dev/baton\n');
    // In the clone, a checkout of Baton, `npx baton` runs the checkout's own bin.
    expect(cliCommand(REPO_ROOT)).toBe('npx baton');
  });
});
