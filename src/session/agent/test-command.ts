import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../core/config/config.js';

/** The command a work or fix session runs before it hands in, or why there is none. */
export type TestCommand = { command: string } | { none: string };

/** npm writes this `test` script into a new package.json; it only fails. */
const NPM_PLACEHOLDER = /no test specified/;

/**
 * `session.test` when set; otherwise found in the repository's files (read
 * from the session's copy, never run): package.json `scripts.test` → `npm
 * test`, a pytest configuration → `pytest`, go.mod → `go test ./...`,
 * Cargo.toml → `cargo test`.
 */
export async function findTestCommand(root: string, config: Config): Promise<TestCommand> {
  const configured = config.session.test;
  if (configured === false) return { none: 'session.test is false in .github/baton.yml' };
  if (configured) return { command: configured };
  const read = (name: string) => readFile(path.join(root, name), 'utf8').catch(() => null);
  const pkg = await read('package.json');
  if (pkg !== null && hasNpmTest(pkg)) return { command: 'npm test' };
  if (await isPytestProject(read)) return { command: 'pytest' };
  if ((await read('go.mod')) !== null) return { command: 'go test ./...' };
  if ((await read('Cargo.toml')) !== null) return { command: 'cargo test' };
  return {
    none: 'no test command found (package.json scripts.test, pytest, go.mod, Cargo.toml); set session.test in .github/baton.yml',
  };
}

function hasNpmTest(text: string): boolean {
  try {
    const test = (JSON.parse(text) as { scripts?: { test?: unknown } }).scripts?.test;
    return typeof test === 'string' && test.trim() !== '' && !NPM_PLACEHOLDER.test(test);
  } catch {
    return false;
  }
}

async function isPytestProject(read: (name: string) => Promise<string | null>): Promise<boolean> {
  if ((await read('pytest.ini')) !== null) return true;
  const sections: [string, RegExp][] = [
    ['pyproject.toml', /^\[tool\.pytest(\.ini_options)?\]/m],
    ['setup.cfg', /^\[tool:pytest\]/m],
    ['tox.ini', /^\[pytest\]/m],
  ];
  for (const [name, section] of sections) {
    const text = await read(name);
    if (text !== null && section.test(text)) return true;
  }
  return false;
}
