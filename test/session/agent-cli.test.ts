import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/session/session-cli.js';
import { BUILD, makeRepo, makeTempDir, readResult, removeTempDirs } from './agent-fixtures.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await removeTempDirs();
});

describe('baton CLI', () => {
  it.each([
    [[]],
    [['session']],
    [['session', 'nope']],
    [['session', 'agent', 'extra']],
    [['agent']],
  ])('answers usage and exit code 2 to %j', async (argv) => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(argv, {})).toBe(2);
    expect(String(stderr.mock.calls[0]?.[0])).toContain('usage: baton session agent');
  });

  it('names every missing variable and exits 2', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['session', 'agent'], { BATON_ROLE: 'work' })).toBe(2);
    const text = String(stderr.mock.calls[0]?.[0]);
    for (const name of ['BATON_BUILD', 'BATON_OUT', 'GITHUB_REPOSITORY', 'GITHUB_WORKSPACE'])
      expect(text).toContain(name);
  });

  it('runs the agent session from the environment', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { root } = await makeRepo();
    const out = await makeTempDir();
    const env = {
      BATON_ROLE: 'research',
      BATON_BUILD: BUILD,
      BATON_OUT: out,
      GITHUB_REPOSITORY: 'octo/demo',
      GITHUB_WORKSPACE: root,
      ANTHROPIC_API_KEY: 'sk-ant-unused-0000',
      // A closed port on this machine: the test never reaches the internet.
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    };
    // No model answers here: the session fails, and says so with exit 1 and its result.
    expect(await main(['session', 'agent'], env)).toBe(1);
    const result = await readResult(out);
    expect(result.role).toBe('research');
    expect(JSON.stringify(result)).toContain('failed');
  });
});
