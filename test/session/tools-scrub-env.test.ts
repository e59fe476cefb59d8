import { describe, expect, it } from 'vitest';
import { scrubEnv } from '../../src/session/agent/tools/scrub-env.js';

const KEY = 'sk-ant-abcdefgh12345';

describe('scrubEnv', () => {
  it.each([
    ['ANTHROPIC_API_KEY', KEY],
    ['ANTHROPIC_BASE_URL', 'http://127.0.0.1:1'],
    ['GITHUB_TOKEN', 'ghs_x'],
    ['GH_TOKEN', 'ghs_x'],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'x'],
    ['ACTIONS_ID_TOKEN_REQUEST_URL', 'https://x'],
    ['ACTIONS_RUNTIME_TOKEN', 'x'],
    ['NPM_TOKEN', 'x'],
    ['MY_SECRET', 'x'],
    ['DB_PASSWORD', 'x'],
    ['SSH_AUTH_SOCK', '/tmp/agent'],
    ['AWS_ACCESS_KEY_ID', 'x'],
    ['INNOCENT', `prefix-${KEY}-suffix`],
  ])('drops %s', (name, value) => {
    expect(scrubEnv({ [name]: value }, [KEY])).toEqual({});
  });

  it.each([
    ['PATH', '/usr/bin'],
    ['HOME', '/home/runner'],
    ['GITHUB_WORKSPACE', '/work'],
    ['GITHUB_REPOSITORY', 'octo/demo'],
    ['RUNNER_TEMP', '/tmp'],
    ['JAVA_HOME', '/opt/java'],
    ['CI', 'true'],
  ])('keeps %s', (name, value) => {
    expect(scrubEnv({ [name]: value }, [KEY])).toEqual({ [name]: value });
  });

  it('does not search for short or missing secrets in values', () => {
    expect(scrubEnv({ A: 'abc', B: 'x' }, ['a', undefined, ''])).toEqual({ A: 'abc', B: 'x' });
  });
});
