import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';
import { makeTempDir, removeTempDirs } from '../session/agent-fixtures.js';

/**
 * Issue: review and fix sessions run the project's setup on a worker's branch,
 * before the step that holds the model key. The setup Baton ships (the
 * template's examples, the same in docs/sessions.md) must read no setting the
 * branch holds: a committed `.npmrc` with `git=./evil.sh` and a git dependency
 * make `npm ci --ignore-scripts` run evil.sh as the runner user.
 */
const TEMPLATE = 'templates/actions/baton-setup/action.yml';
const DOCS = 'docs/sessions.md';

/** The `run: |` script of the template's example whose comment starts with `heading`, uncommented. */
function templateExample(heading: string): string {
  const lines = readFileSync(TEMPLATE, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith(`# ${heading}`));
  const run = lines.findIndex((line, i) => i > start && line === '#   - run: |');
  const end = lines.findIndex((line, i) => i > run && line === '#     shell: bash');
  if (start < 0 || run < 0 || end < 0) throw new Error(`no "${heading}" example in ${TEMPLATE}`);
  return lines
    .slice(run + 1, end)
    .map((line) => line.replace(/^# {7}/, ''))
    .join('\n');
}

/** The `run: |` scripts of docs/sessions.md's setup example, unindented. */
function docsExamples(): string[] {
  const text = readFileSync(DOCS, 'utf8');
  const block = text.slice(text.indexOf('# .github/actions/baton-setup/action.yml'));
  const scripts: string[] = [];
  const lines = block.slice(0, block.indexOf('```')).split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '    - run: |') continue;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]?.startsWith('        '); i++)
      body.push(lines[i]!.slice(8));
    scripts.push(body.join('\n'));
  }
  return scripts;
}

const npm = findProgram('npm', SYSTEM_PATH);
const git = findProgram('git', SYSTEM_PATH) ?? 'git';

afterEach(removeTempDirs);

/** A worker branch's checkout: a git dependency, and a .npmrc naming the branch's own git. */
async function poisonedCheckout(): Promise<{ workspace: string; marker: string; home: string }> {
  const base = await makeTempDir('baton-setup-');
  const dep = path.join(base, 'dep');
  const workspace = path.join(base, 'workspace');
  const home = path.join(base, 'home');
  for (const dir of [dep, workspace, home]) mkdirSync(dir);
  const marker = path.join(base, 'evil-ran');
  writeFileSync(path.join(dep, 'package.json'), '{"name":"dep","version":"1.0.0"}\n');
  const inDep = (...args: string[]) =>
    execFileSync(git, ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dep });
  inDep('init', '-q');
  inDep('add', '.');
  inDep('commit', '-qm', 'dep');
  writeFileSync(
    path.join(workspace, 'package.json'),
    JSON.stringify({ name: 'ws', version: '1.0.0', dependencies: { dep: `git+file://${dep}` } }),
  );
  const userconfig = path.join(base, 'lock-npmrc');
  writeFileSync(userconfig, '');
  execFileSync(npm ?? 'npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], {
    cwd: workspace,
    env: { PATH: SYSTEM_PATH, HOME: home, npm_config_userconfig: userconfig },
    stdio: 'ignore',
  });
  // What the worker committed.
  writeFileSync(path.join(workspace, '.npmrc'), 'git=./evil.sh\n');
  writeFileSync(
    path.join(workspace, 'evil.sh'),
    `#!/bin/sh\necho ran > ${marker}\nexec ${git} "$@"\n`,
  );
  chmodSync(path.join(workspace, 'evil.sh'), 0o755);
  return { workspace, marker, home };
}

function runSetup(script: string, workspace: string, home: string) {
  const runnerTemp = path.join(path.dirname(workspace), 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  return spawnSync(findProgram('bash', SYSTEM_PATH) ?? 'bash', ['-e', '-c', script], {
    cwd: workspace,
    env: { PATH: SYSTEM_PATH, HOME: home, RUNNER_TEMP: runnerTemp },
    encoding: 'utf8',
  });
}

describe('the shipped setup examples', () => {
  it('are the same in the template and in docs/sessions.md', () => {
    expect(docsExamples()).toEqual(
      expect.arrayContaining([templateExample('Node'), templateExample('Python')]),
    );
  });

  it.skipIf(!npm)(
    'install npm dependencies without reading the branch’s .npmrc: its git= program never runs (skipped: npm is not installed)',
    async () => {
      const { workspace, marker, home } = await poisonedCheckout();
      const setup = runSetup(templateExample('Node'), workspace, home);
      expect(setup.stderr).not.toMatch(/ERR!/);
      expect(setup.status).toBe(0);
      // The dependency is installed, from the lock file, by the system's git.
      expect(existsSync(path.join(workspace, 'node_modules/dep/package.json'))).toBe(true);
      expect(existsSync(marker) ? 'evil.sh ran' : 'never ran').toBe('never ran');
    },
  );

  it('read no pip setting or index the branch names, and put nothing on $GITHUB_PATH', () => {
    const python = templateExample('Python');
    expect(python).toContain('--isolated');
    expect(python).toContain('PIP_CONFIG_FILE=/dev/null');
    expect(python).toContain('--index-url https://pypi.org/simple');
    expect(python).toContain('--only-binary=:all:');
    for (const text of [readFileSync(TEMPLATE, 'utf8'), readFileSync(DOCS, 'utf8')]) {
      expect(text).not.toMatch(/>>\s*"\$GITHUB_PATH"/);
    }
  });

  it('keep only the requirement lines of requirements.txt (no option, URL or path of the branch’s)', async () => {
    const base = await makeTempDir('baton-setup-pip-');
    const filter = templateExample('Python')
      .split('\n')
      .find((line) => line.startsWith('grep '));
    expect(filter).toBeDefined();
    writeFileSync(
      path.join(base, 'requirements.txt'),
      [
        'requests==2.32.3',
        '--index-url https://evil.example/simple',
        '  --extra-index-url=https://evil.example/simple',
        '-e .',
        '-r other.txt',
        'evil @ https://evil.example/evil-1.0-py3-none-any.whl',
        './wheels/evil-1.0-py3-none-any.whl',
        'numpy>=2; python_version >= "3.10"',
      ].join('\n'),
    );
    const result = runSetup(`${filter}\ncat "$RUNNER_TEMP/requirements.txt"`, base, base);
    expect(result.stdout.trim().split('\n')).toEqual([
      'requests==2.32.3',
      'numpy>=2; python_version >= "3.10"',
    ]);
  });
});
