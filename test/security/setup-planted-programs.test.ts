import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';
import { makeTempDir } from '../session/agent-fixtures.js';
import {
  COMPLETION,
  confinedSession,
  gitIn,
  NOT_ROOT,
  NOT_ROOT_REASON,
  rootOnlyDir,
  useThrowawayUser,
} from './confine-fixtures.js';

/**
 * Issue: the project's setup runs on a worker's branch before the session
 * step, and a setup that installs the branch's dependencies may put a folder
 * the branch filled first on `$GITHUB_PATH` (a venv's bin: a committed wheel
 * installs any script there). Every program Baton runs itself (git, sudo,
 * pkill, pgrep, id, env, timeout, bash) is then whatever the branch named so.
 * The planted programs here leave proof, then run the real one, as an attacker
 * would (the session goes on as if nothing happened).
 */
const PLANTED = [
  'git',
  'sudo',
  'pkill',
  'pgrep',
  'id',
  'env',
  'timeout',
  'bash',
  'chmod',
  'rm',
  'sh',
  'true',
];

const USER = useThrowawayUser('p');

/** A folder of programs named like the system's that write `marker`, then run the real one. */
async function plantPrograms(marker: string): Promise<string> {
  const dir = await makeTempDir('baton-venv-bin-');
  for (const name of PLANTED) {
    const real = findProgram(name, SYSTEM_PATH);
    if (!real) continue;
    const file = path.join(dir, name);
    writeFileSync(
      file,
      `#!${findProgram('sh', SYSTEM_PATH)}\necho "${name}" >> ${marker}\nexec ${real} "$@"\n`,
    );
    chmodSync(file, 0o755);
  }
  return dir;
}

/**
 * A session that changes README.md with the programs planted first on its PATH, each leaving
 * its name in `proof` if it runs; the session completes as if nothing happened.
 */
async function plantedSession(proof: string, user: string | undefined) {
  const marker = path.join(proof, 'ran');
  const run = await confinedSession({
    sessionPath: `${await plantPrograms(marker)}:${process.env.PATH}`,
    user,
    commands: ['echo changed > README.md; echo done'],
  });
  expect(run.seen).toContain('done');
  expect(run.result.status).toBe('complete');
  expect(gitIn(run.root, 'show', 'HEAD:README.md')).toBe('changed');
  return { run, planted: existsSync(marker) ? readFileSync(marker, 'utf8') : 'never ran' };
}

describe('programs a setup step planted first on PATH', () => {
  it('never run in a session: git is the system’s (no tools user)', async () => {
    const { run, planted } = await plantedSession(await makeTempDir('baton-proof-'), undefined);
    expect(gitIn(run.root, 'cat-file', '-e', `HEAD:${COMPLETION}`)).toBe('');
    expect(planted).toBe('never ran');
  });

  it.skipIf(NOT_ROOT)(
    `never run in a confined session: git, sudo, pkill, pgrep, id, env, timeout and bash are the system’s (${NOT_ROOT_REASON})`,
    async () => {
      const { planted } = await plantedSession(await rootOnlyDir(), USER);
      expect(planted).toBe('never ran');
    },
  );
});
