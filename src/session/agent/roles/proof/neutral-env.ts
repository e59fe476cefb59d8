/**
 * The environment the contract's command runs in (docs/verification.md, "The
 * runner's world"): an allowlist of what the job's environment may pass, not a
 * list of bad names. An install step can write any variable into the job's
 * environment (`$GITHUB_ENV`: `PYTEST_ADDOPTS`, `PYTHONPATH`, `NODE_OPTIONS`,
 * `GOFLAGS`, `VITEST_*` …), and each runner reads its own knobs, so only the
 * names any program expects of its machine pass (locale, time zone, temp, the
 * CA bundles, the toolchains' homes), then the sandbox's own (its egress
 * proxy), then Baton's: npm's user and global settings an empty file and its
 * scripts run by `/bin/sh` (the contract's `.npmrc` alone speaks for npm),
 * pytest's plugins loaded only by name, Python's user site and the Go
 * toolchain's downloads off. `PATH` keeps only absolute folders outside the
 * checkout and its copy: no `node_modules/.bin` of the work's, no `.`.
 */
import path from 'node:path';

/** What passes from the job's environment, by name. */
const PASSED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'TMPDIR',
  'CI',
  'GITHUB_ACTIONS',
  'RUNNER_OS',
  'RUNNER_ARCH',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  // The toolchains' homes as the default branch's setup put them.
  'VIRTUAL_ENV',
  'JAVA_HOME',
  'GOROOT',
  'DOTNET_ROOT',
]);
const PASSED_PATTERN = /^LC_[A-Z]+$/;

/** Baton's own, over whatever came before. */
const BATONS: Readonly<Record<string, string>> = {
  npm_config_userconfig: '/dev/null',
  // The same empty file by another name: npm refuses to load one path as both.
  npm_config_globalconfig: '/proc/self/root/dev/null',
  npm_config_script_shell: '/bin/sh',
  // pytest loads a plugin only where the contract's settings or Baton's flags name it.
  PYTEST_DISABLE_PLUGIN_AUTOLOAD: '1',
  PYTHONNOUSERSITE: '1',
  PYTHONDONTWRITEBYTECODE: '1',
  GOTOOLCHAIN: 'local',
};

/**
 * The command's environment: the job's (`job`, already scrubbed of
 * credentials) by the allowlist, the sandbox's (`sandbox`, its egress proxy),
 * then Baton's; `PATH` without a folder of `trees` (the checkout, its copy).
 */
export function neutralEnv(
  job: Readonly<Record<string, string>>,
  { sandbox = {}, trees }: { sandbox?: Readonly<Record<string, string>>; trees: readonly string[] },
): Record<string, string> {
  const passed = Object.entries(job).filter(
    ([name]) => PASSED.has(name) || PASSED_PATTERN.test(name),
  );
  const env: Record<string, string> = { ...Object.fromEntries(passed), ...sandbox, ...BATONS };
  env.PATH = outsideTrees(job.PATH ?? '', trees);
  return env;
}

/** `PATH`'s absolute folders outside every tree, in order: an empty entry or `.` is the working directory. */
export function outsideTrees(searchPath: string, trees: readonly string[]): string {
  const roots = trees.map((tree) => path.resolve(tree));
  return searchPath
    .split(':')
    .filter((folder) => path.isAbsolute(folder))
    .filter((folder) => {
      const resolved = path.resolve(folder);
      return !roots.some((root) => {
        const relative = path.relative(root, resolved);
        return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
      });
    })
    .join(':');
}
