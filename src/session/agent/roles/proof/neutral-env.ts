/**
 * The environment the contract's command runs in, its package manager's and
 * Node's options neutralised (docs/verification.md, "The seal"): what the
 * environment could add to how the checks run is taken away, so that the
 * repository's sealed `.npmrc` alone speaks for npm. No `NODE_OPTIONS` (a
 * `--require` or `--import` preload), no `npm_config_*` of the job's, npm's
 * user and global settings an empty file, and its scripts run by `/bin/sh`
 * whatever a `.npmrc` says. (npm takes no empty `node-options` from the
 * environment: the sealed `.npmrc` is what keeps a preload out of it.)
 */
export function neutralEnv(env: Record<string, string>): Record<string, string> {
  const kept = Object.entries(env).filter(
    ([name]) => name !== 'NODE_OPTIONS' && !/^npm_config_/i.test(name),
  );
  return {
    ...Object.fromEntries(kept),
    npm_config_userconfig: '/dev/null',
    // The same empty file by another name: npm refuses to load one path as both.
    npm_config_globalconfig: '/proc/self/root/dev/null',
    npm_config_script_shell: '/bin/sh',
  };
}
