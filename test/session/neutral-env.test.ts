import { describe, expect, it } from 'vitest';
import { neutralEnv } from '../../src/session/agent/roles/proof/neutral-env.js';

/** What an install step may have written into the job's environment, beside what a machine holds. */
const JOB = {
  PATH: '/work/repo/node_modules/.bin::.:bin:/usr/local/bin:/work/repo-copy/tools:/usr/bin:/opt/hostedtoolcache/node/24/x64/bin',
  HOME: '/home/runner',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  CI: 'true',
  NODE_OPTIONS: '--require ./cheat.cjs',
  npm_config_script_shell: '/bin/true',
  NPM_CONFIG_USERCONFIG: '/work/repo/.npmrc',
  PYTEST_ADDOPTS: '-p cheat',
  PYTEST_PLUGINS: 'cheat',
  PYTHONPATH: '/work/repo/tools',
  PYTHONSTARTUP: '/work/repo/start.py',
  VITEST_POOL: 'threads',
  JEST_CONFIG: 'x',
  GOFLAGS: '-mod=mod',
  GOPROXY: 'https://evil.example',
  GOCACHE: '/work/repo/.cache',
  BASH_ENV: '/work/repo/evil.sh',
  LD_PRELOAD: '/work/repo/evil.so',
  SOME_TOOL_KNOB: 'on',
};

describe("the contract's command's environment", () => {
  const env = neutralEnv(JOB, {
    sandbox: { HTTPS_PROXY: 'http://127.0.0.1:3128' },
    trees: ['/work/repo', '/work/repo-copy'],
  });

  it('passes only what any program expects of its machine, never a knob of a runner or the loader', () => {
    for (const name of [
      'NODE_OPTIONS',
      'NPM_CONFIG_USERCONFIG',
      'PYTEST_ADDOPTS',
      'PYTEST_PLUGINS',
      'PYTHONPATH',
      'PYTHONSTARTUP',
      'VITEST_POOL',
      'JEST_CONFIG',
      'GOFLAGS',
      'GOPROXY',
      'GOCACHE',
      'BASH_ENV',
      'LD_PRELOAD',
      'SOME_TOOL_KNOB',
    ]) {
      expect(env, name).not.toHaveProperty(name);
    }
    expect(env).toMatchObject({
      HOME: '/home/runner',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      CI: 'true',
    });
  });

  it("keeps the sandbox's own and sets Baton's over the job's", () => {
    expect(env).toMatchObject({
      HTTPS_PROXY: 'http://127.0.0.1:3128',
      npm_config_script_shell: '/bin/sh',
      npm_config_userconfig: '/dev/null',
      PYTEST_DISABLE_PLUGIN_AUTOLOAD: '1',
      PYTHONNOUSERSITE: '1',
      GOTOOLCHAIN: 'local',
    });
  });

  it('keeps on PATH only absolute folders outside the checkout and its copy', () => {
    expect(env.PATH).toBe('/usr/local/bin:/usr/bin:/opt/hostedtoolcache/node/24/x64/bin');
  });
});
