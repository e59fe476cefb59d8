import { describe, expect, it } from 'vitest';
import { bashCommandLine } from '../../src/session/agent/tools/bash-tool.js';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';

/** Where the system has it (the line names every program by its absolute path). */
function at(name: string): string {
  return findProgram(name, SYSTEM_PATH) ?? `(${name} is not installed)`;
}
const hasSudo = findProgram('sudo', SYSTEM_PATH) !== null;

describe('bashCommandLine', () => {
  it('runs a command in a fresh bash as the job’s own user by default', () => {
    expect(
      bashCommandLine({ command: 'npm test', env: { PATH: '/usr/bin' }, timeoutMs: 5_000 }),
    ).toEqual({
      file: at('bash'),
      args: ['-c', 'npm test'],
    });
  });

  it.skipIf(!hasSudo)(
    'runs it as the tools’ user with the scrubbed environment passed explicitly and the limit on that side (skipped: sudo is not installed)',
    () => {
      const line = bashCommandLine({
        command: 'npm test',
        env: { PATH: '/usr/bin:/opt/node', HOME: '/home/runner' },
        runAs: 'baton-tools',
        timeoutMs: 90_500,
      });
      expect(line).toEqual({
        file: at('sudo'),
        args: [
          '-n',
          '-u',
          'baton-tools',
          '--',
          at('env'),
          '-i',
          'PATH=/usr/bin:/opt/node',
          'HOME=/home/baton-tools',
          'USER=baton-tools',
          'LOGNAME=baton-tools',
          at('timeout'),
          '-s',
          'KILL',
          '91',
          at('bash'),
          '-c',
          'umask 000\nnpm test',
        ],
      });
    },
  );

  it.skipIf(!hasSudo)(
    'gives that user the session’s fresh home, not a home that outlives the session',
    () => {
      const line = bashCommandLine({
        command: 'true',
        env: { HOME: '/home/runner' },
        runAs: 'baton-tools',
        home: '/tmp/baton-session-x/home',
        timeoutMs: 1_000,
      });
      expect(line.args).toContain('HOME=/tmp/baton-session-x/home');
      expect(line.args).not.toContain('HOME=/home/runner');
    },
  );
});
