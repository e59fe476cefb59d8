import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * A git client in `dir` (its HOME too, so no user config is read), as a
 * person or a job pushes to the simulated GitHub over HTTP: `token` goes in
 * the basic auth header Actions' checkout sets.
 */
export function gitClient(dir: () => string) {
  return (args: string[], token?: string) => {
    const auth = token
      ? {
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'http.extraheader',
          GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
        }
      : {};
    return execFileAsync('git', args, {
      cwd: dir(),
      env: {
        PATH: process.env.PATH,
        HOME: dir(),
        GIT_TERMINAL_PROMPT: '0',
        GIT_AUTHOR_NAME: 'T',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 'T',
        GIT_COMMITTER_EMAIL: 't@example.com',
        ...auth,
      },
    });
  };
}
