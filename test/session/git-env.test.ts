import { describe, expect, it } from 'vitest';
import { safeGitEnv } from '../../src/session/agent/git/git.js';
import { SYSTEM_PATH } from '../../src/session/programs.js';

describe('the environment of Baton’s git', () => {
  it('takes of the job’s only home, temp folder, locale, identity and the network’s proxy and certificates', () => {
    const env = safeGitEnv(
      {
        HOME: '/home/runner',
        TMPDIR: '/tmp/job',
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
        GIT_AUTHOR_NAME: 'Baton',
        HTTPS_PROXY: 'http://proxy.internal:3128',
        no_proxy: 'localhost',
        SSL_CERT_FILE: '/etc/ssl/corp.pem',
        // What a step before the session may have set, each able to start a program of the checkout's.
        PATH: 'node_modules/.bin:/usr/bin',
        SSH_ASKPASS: '/home/runner/work/app/app/node_modules/.bin/askpass',
        GIT_ASKPASS: '/home/runner/work/app/app/node_modules/.bin/askpass',
        GIT_EXEC_PATH: '/home/runner/work/app/app/node_modules/.bin',
        EDITOR: 'node_modules/.bin/editor',
        BASH_ENV: '/home/runner/work/app/app/.env.sh',
        LD_PRELOAD: '/home/runner/work/app/app/hook.so',
        NODE_OPTIONS: '--require ./hook.js',
        ANTHROPIC_API_KEY: 'sk-ant-secret',
      },
      '/home/runner/work/app/app',
    );
    expect(env).toEqual({
      HOME: '/home/runner',
      TMPDIR: '/tmp/job',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      GIT_AUTHOR_NAME: 'Baton',
      HTTPS_PROXY: 'http://proxy.internal:3128',
      no_proxy: 'localhost',
      SSL_CERT_FILE: '/etc/ssl/corp.pem',
      PATH: SYSTEM_PATH,
      GIT_DIR: '/home/runner/work/app/app/.git',
      GIT_WORK_TREE: '/home/runner/work/app/app',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_ATTR_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_PAGER: 'cat',
    });
  });
});
