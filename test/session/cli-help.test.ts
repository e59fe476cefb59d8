import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/session/session-cli.js';

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
);

/** Runs the CLI with stdout and stderr captured. */
async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await main(argv, env);
  const text = (spy: typeof stdout) => spy.mock.calls.map((call) => String(call[0])).join('');
  return { code, stdout: text(stdout), stderr: text(stderr) };
}

/** What the CLI prints on stdout for `argv`, once it has ended 0 with nothing on stderr. */
async function printed(argv: string[]): Promise<string> {
  const { code, stdout, stderr } = await run(argv);
  expect(code).toBe(0);
  expect(stderr).toBe('');
  return stdout;
}

/** Everything a session needs but BATON_BUILD, BATON_OUT and BATON_APP_URL. */
const BASE = {
  BATON_ROLE: 'work',
  GITHUB_REPOSITORY: 'octo/demo',
  GITHUB_WORKSPACE: '/tmp/unused',
};

afterEach(() => vi.restoreAllMocks());

describe('baton CLI help and version', () => {
  it.each([[['--help']], [['-h']], [['help']]])(
    'prints usage on stdout with exit 0 for %j',
    async (argv) => {
      const stdout = await printed(argv);
      expect(stdout).toContain('usage: baton session agent | baton session publish');
      expect(stdout).toContain('--version');
    },
  );

  it('says where each command runs, not that every setting comes from the workflow', async () => {
    const { stdout } = await run(['--help']);
    expect(stdout).not.toContain('Every setting comes from');
    const prose = stdout.replace(/\s+/g, ' ');
    expect(prose).toContain(
      '`baton doctor`, `baton setup`, `baton status` and `baton audit` run where the app was registered',
    );
    expect(prose).toContain('`baton check` anywhere, offline');
    expect(stdout).toContain('npx @baton-dev/baton');
    expect(stdout).toMatch(/^ {2}help COMMAND {6}print that command's help/m);
  });

  it.each([[['session', '--help']], [['session', '-h']]])(
    'prints the session usage, with the variables it reads, for %j',
    async (argv) => {
      const stdout = await printed(argv);
      expect(stdout).toContain('BATON_BUILD');
      expect(stdout).toContain('ANTHROPIC_API_KEY');
    },
  );

  it.each([
    ['agent', /^usage: baton session agent\n/, 'ANTHROPIC_API_KEY'],
    ['publish', /^usage: baton session publish\n/, '/api/baton/session-token'],
    ['views', /^usage: baton session views\n/, 'docs/change-sets.md'],
    ['engine', /^usage: baton session engine\n/, 'GITHUB_OUTPUT'],
  ])('prints `session %s --help` as its own help, exit 0', async (command, usage, names) => {
    for (const flag of ['--help', '-h']) {
      const stdout = await printed(['session', command, flag]);
      expect(stdout).toMatch(usage);
      expect(stdout).toContain(names);
      expect(stdout).not.toContain('Commands:');
    }
  });

  it.each([[['--version']], [['-V']]])("prints the package's version for %j", async (argv) => {
    const { code, stdout } = await run(argv);
    expect(code).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });

  it('still answers an unknown command on stderr with exit 2, naming the one it meant', async () => {
    const { code, stdout, stderr } = await run(['sesion', 'agent']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^baton: unknown command "sesion"; did you mean "session"\?\n/);
    expect(stderr).toContain('usage: baton session agent');
  });

  it.each([
    [
      ['frobnicate'],
      'baton: unknown command "frobnicate"; the commands are "session", "doctor", "setup", "check", "status"',
    ],
    [['chek'], 'baton: unknown command "chek"; did you mean "check"?'],
    [['session', 'pubilsh'], 'baton: unknown session command "pubilsh"; did you mean "publish"?'],
    [['--frob'], 'baton: unknown option "--frob"'],
  ])('names the unknown word of %j first', async (argv, line) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(line);
  });
});

describe('baton CLI environment errors', () => {
  it.each([
    [
      'BATON_BUILD',
      { BATON_OUT: '/tmp/out' },
      `BATON_BUILD is not set: the Baton workflow sets it from the dispatch input \`build\` (env: BATON_BUILD: \${{ inputs.build }})`,
    ],
    [
      'BATON_ROLE',
      { BATON_ROLE: undefined, BATON_BUILD: '1-x', BATON_OUT: '/tmp/out' },
      `BATON_ROLE is not set: the Baton workflow sets it from the dispatch input \`role\` (env: BATON_ROLE: \${{ inputs.role }})`,
    ],
    [
      'BATON_OUT',
      { BATON_BUILD: '1-x' },
      `BATON_OUT is not set: the Baton workflow sets it on the "Run the session" and "Publish the session" steps (env: BATON_OUT: \${{ runner.temp }}/baton-out)`,
    ],
    [
      'BATON_OUT (empty)',
      { BATON_BUILD: '1-x', BATON_OUT: '' },
      'BATON_OUT is empty: the Baton workflow sets it',
    ],
    [
      'GITHUB_REPOSITORY',
      { BATON_BUILD: '1-x', BATON_OUT: '/tmp/out', GITHUB_REPOSITORY: undefined },
      'GITHUB_REPOSITORY is not set: GitHub Actions sets it in every job; outside Actions, set it yourself.',
    ],
    [
      'GITHUB_WORKSPACE',
      { BATON_BUILD: '1-x', BATON_OUT: '/tmp/out', GITHUB_WORKSPACE: undefined },
      'GITHUB_WORKSPACE is not set: GitHub Actions sets it in every job',
    ],
    [
      'BATON_BUILD (malformed)',
      { BATON_BUILD: 'oauth', BATON_OUT: '/tmp/out' },
      'BATON_BUILD is not valid (BATON_BUILD is <issue>-<slug> (a change set member: <issue>-<slug>.<owner>.<repo>)): the Baton workflow sets it from the dispatch input `build`',
    ],
    [
      'BATON_WORKER (malformed)',
      { BATON_BUILD: '1-x', BATON_OUT: '/tmp/out', BATON_WORKER: 'one' },
      `BATON_WORKER is not valid (BATON_WORKER is W<wave>.<seq>, L<n> for an improvement loop, or M<k> for a milestone’s validation): the Baton workflow sets it from the dispatch input \`worker\` (env: BATON_WORKER: \${{ inputs.worker }})`,
    ],
  ])('says what sets %s, and exits 2', async (_, vars, message) => {
    const { code, stderr } = await run(['session', 'publish'], { ...BASE, ...vars });
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('Invalid input');
    expect(stderr).not.toContain('expected string');
  });
});
