/**
 * The check's process (docs/verification.md, "The check's process"): Baton's
 * own setup runs in every process of the contract's command before the work's
 * code loads. Its files lie in a folder of Baton's outside the checkout, which
 * the sandbox shows read-only to the command (`readOnly`), so nothing the work
 * changes or runs reaches them; they are named by variables Baton sets after
 * the job's were taken away (neutral-env.ts), never by a file of the tree:
 *
 * - Node: `NODE_OPTIONS` (and npm's `node-options`, which npm would otherwise
 *   put in its place for a script) `--require`s check-preload.ts's module;
 * - pytest: `PYTEST_ADDOPTS` loads check-plugin.ts's `baton_check` (`-p`,
 *   from Baton's folder on `PYTHONPATH`) and turns on
 *   `enable_assertion_pass_hook`; Python reads no compiled file of the tree
 *   and writes none (`PYTHONPYCACHEPREFIX` an empty folder,
 *   `PYTHONDONTWRITEBYTECODE`), so a committed `__pycache__` cannot stand in
 *   for a check.
 *
 * Go's checks are compiled into one binary with the code under test, which
 * has no intrinsics to replace: Baton adds nothing there.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkPluginSource } from './check-plugin.js';
import { checkPreloadSource } from './check-preload.js';

/** Baton's folder for the check's process, and how a run's environment names it. */
export interface CheckProcess {
  /** The folder: the same path inside the sandbox and out, read-only inside. */
  dir: string;
  /** The environment with Baton's setup named, over what `neutralEnv` left. */
  env: (env: Readonly<Record<string, string>>) => Record<string, string>;
  close: () => Promise<void>;
}

const PRELOAD = 'baton-check.cjs';
const PYTHON = 'python';
const PYCACHE = 'pycache';

/** Writes Baton's setup to a folder of its own, readable by the sandbox's user and writable by no one else. */
export async function openCheckProcess(): Promise<CheckProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), 'baton-check-'));
  await mkdir(path.join(dir, PYTHON));
  await mkdir(path.join(dir, PYCACHE));
  await writeFile(path.join(dir, PRELOAD), checkPreloadSource(), { mode: 0o444 });
  await writeFile(path.join(dir, PYTHON, 'baton_check.py'), checkPluginSource(), { mode: 0o444 });
  for (const folder of [dir, path.join(dir, PYTHON), path.join(dir, PYCACHE)])
    await chmod(folder, 0o555);
  const preload = `--require=${nodeOptionWord(path.join(dir, PRELOAD))}`;
  const node = (held: string | undefined) => [preload, held].filter(Boolean).join(' ');
  return {
    dir,
    env: (env) => ({
      ...env,
      NODE_OPTIONS: node(env.NODE_OPTIONS),
      npm_config_node_options: node(env.npm_config_node_options),
      PYTHONPATH: path.join(dir, PYTHON),
      PYTEST_ADDOPTS: ['-p baton_check -o enable_assertion_pass_hook=true', env.PYTEST_ADDOPTS]
        .filter(Boolean)
        .join(' '),
      PYTHONPYCACHEPREFIX: path.join(dir, PYCACHE),
      PYTHONDONTWRITEBYTECODE: '1',
    }),
    close: async () => {
      for (const folder of [dir, path.join(dir, PYTHON), path.join(dir, PYCACHE)])
        await chmod(folder, 0o755).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A path as one word of NODE_OPTIONS, which splits on spaces and reads double quotes. */
function nodeOptionWord(file: string): string {
  return /^[\w@%+=:,./-]+$/.test(file) ? file : `"${file.replace(/(["\\])/g, '\\$1')}"`;
}
