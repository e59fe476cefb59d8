import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { findProgram, SYSTEM_PATH } from '../../../src/session/programs.js';

/**
 * Serves the bare repositories under `root` over smart HTTP with git's own
 * CGI, `git http-backend`, the way a forge does. Lets a test see what git
 * really sends (the Authorization header) when publish pushes.
 */
export function serveGit({
  req,
  res,
  root,
  path,
}: {
  req: IncomingMessage;
  res: ServerResponse;
  root: string;
  path: string;
}): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: path,
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: 'x-access-token',
    REMOTE_ADDR: '127.0.0.1',
  };
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') env.GIT_PROTOCOL = protocol;
  // The system's git, whatever PATH a test gives the session it serves.
  const child = spawn(findProgram('git', SYSTEM_PATH) ?? 'git', ['http-backend'], { env });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    for (const line of head.subarray(0, end).toString('utf8').split('\r\n')) {
      const [name = '', ...rest] = line.split(':');
      const value = rest.join(':').trim();
      if (name.toLowerCase() === 'status') res.statusCode = Number(value.split(' ')[0]);
      else res.setHeader(name, value);
    }
    res.write(head.subarray(end + 4));
  });
  child.stdout.on('end', () => res.end());
}
