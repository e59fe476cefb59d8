import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { shellWord } from '../../../../core/reports/reporting-command.js';

/**
 * The settings files pytest reads at a tree's root, in the order it prefers
 * them (pytest 9: `pytest.toml` over everything, even empty; then `pytest.ini`;
 * the others only with a pytest section), each with the text that makes it one.
 */
const SETTINGS: readonly { name: string; section: RegExp | null }[] = [
  { name: 'pytest.toml', section: null },
  { name: '.pytest.toml', section: null },
  { name: 'pytest.ini', section: null },
  { name: '.pytest.ini', section: null },
  { name: 'pyproject.toml', section: /^\s*\[tool\.pytest(?:\.ini_options)?\]/m },
  { name: 'tox.ini', section: /^\s*\[pytest\]/m },
  { name: 'setup.cfg', section: /^\s*\[tool:pytest\]/m },
];

/**
 * pytest pinned to the contract's settings (docs/verification.md, "The
 * runner's world"): `-c` the settings file at the tree's root (the contract's
 * commit's: the tree takes no settings from the work) or none, so that no
 * `tests/pytest.ini`, `.pytest.ini` or `pytest.toml` elsewhere is looked for;
 * `--rootdir` the tree; the cache, which `--lf` and its kin read, off.
 * Plugins load only where those settings name them
 * (`PYTEST_DISABLE_PLUGIN_AUTOLOAD`, neutral-env.ts).
 */
export async function pytestPin(root: string): Promise<string> {
  const settings = await rootSettings(root);
  return `-c ${shellWord(settings ?? '/dev/null')} --rootdir=${shellWord(root)} -p no:cacheprovider`;
}

async function rootSettings(root: string): Promise<string | null> {
  for (const { name, section } of SETTINGS) {
    const file = path.join(root, name);
    if (!(await lstat(file).catch(() => null))?.isFile()) continue;
    if (section === null) return file;
    const text = await readFile(file, 'utf8').catch(() => '');
    if (section.test(text)) return file;
  }
  return null;
}
