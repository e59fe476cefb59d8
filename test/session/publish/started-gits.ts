import childProcess from 'node:child_process';

/**
 * The arguments of every git `act` starts in this process, the test's git
 * server (`git http-backend`) left out: every way of child_process comes to
 * ChildProcess's spawn.
 */
export async function gitsStartedBy(act: () => Promise<unknown>): Promise<string[][]> {
  // Node's own method, which its types leave out.
  const proto = childProcess.ChildProcess.prototype as unknown as {
    spawn: (options: { file?: string; args?: string[] }) => unknown;
  };
  const { spawn } = proto;
  const started: string[][] = [];
  proto.spawn = function (this: unknown, options) {
    const [, ...args] = options.args ?? [];
    if (/(^|\/)git$/.test(options.file ?? '') && args[0] !== 'http-backend') started.push(args);
    return spawn.call(this, options);
  };
  try {
    await act();
  } finally {
    proto.spawn = spawn;
  }
  return started;
}
