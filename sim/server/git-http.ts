import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gitEnv } from '../github/bare-repo.js';
import { credentialOf, isReadOnlyToken } from './tokens.js';

/** Whether a smart-HTTP request is (the start of) a push. */
export function isPush(req: IncomingMessage, pathInfo: string): boolean {
  const query = new URL(req.url ?? '/', 'http://x').searchParams;
  return pathInfo.endsWith('/git-receive-pack') || query.get('service') === 'git-receive-pack';
}

/**
 * Serves git's smart HTTP protocol for the bare repository at `gitDir` through
 * `git http-backend` (a CGI program). Anyone may fetch; a push needs a token
 * that can write (not the agent job's read-only one). `onPushed` runs after a
 * push finished and before the client gets the end of the answer, so when
 * `git push` returns, the REST API already shows the new refs.
 */
export function serveGit({
  req,
  res,
  gitDir,
  pathInfo,
  onPushed,
  refuseHiddenRefs = false,
}: {
  req: IncomingMessage;
  res: ServerResponse;
  gitDir: string;
  /** The path after `/<owner>/<repo>.git`: `/info/refs`, `/git-upload-pack`, … */
  pathInfo: string;
  onPushed: () => void;
  /** Refuse pushes of refs outside refs/heads and refs/tags (`gh.hiddenRefPushNeedsWorkflows`). */
  refuseHiddenRefs?: boolean;
}): void {
  const push = isPush(req, pathInfo);
  const credential = credentialOf(req.headers);
  if (push && !credential) {
    res
      .writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"' })
      .end('Authentication required\n');
    return;
  }
  if (push && isReadOnlyToken(credential)) {
    res.writeHead(403).end('Permission to push denied: the token is read-only\n');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://x');
  const env = gitEnv({
    GIT_PROJECT_ROOT: dirname(gitDir),
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: `/${basename(gitDir)}${pathInfo}`,
    REQUEST_METHOD: req.method ?? 'GET',
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    ...(push ? { REMOTE_USER: 'x-access-token' } : {}),
    ...(push && refuseHiddenRefs
      ? {
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'core.hooksPath',
          GIT_CONFIG_VALUE_0: refusingHooks(),
        }
      : {}),
    ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
    ...(req.headers['content-encoding']
      ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] }
      : {}),
    ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
  });
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let head: Buffer | null = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    if (head === null) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = headerEnd(head);
    if (!end) return;
    const { status, headers } = parseCgiHeaders(head.subarray(0, end.at).toString('latin1'));
    res.writeHead(status, headers);
    res.write(head.subarray(end.at + end.length));
    head = null;
  });
  child.on('close', (code) => {
    if (head !== null) {
      res.writeHead(500).end(`git http-backend failed (${code}): ${Buffer.concat(stderr)}`);
      return;
    }
    if (push && req.method === 'POST') onPushed();
    res.end();
  });
}

function headerEnd(buffer: Buffer): { at: number; length: number } | null {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  return lf >= 0 ? { at: lf, length: 2 } : null;
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  return { status, headers };
}

let hooks: string | null = null;

/**
 * A hooks folder whose pre-receive refuses refs outside refs/heads and
 * refs/tags, as a GitHub that wants `workflows` for a new hidden ref would
 * (documented nowhere; `baton doctor` probes it).
 */
function refusingHooks(): string {
  if (hooks) return hooks;
  const dir = mkdtempSync(join(tmpdir(), 'baton-sim-hooks-'));
  const hook = join(dir, 'pre-receive');
  writeFileSync(
    hook,
    [
      '#!/bin/sh',
      'while read old new ref; do',
      '  case "$ref" in',
      '    refs/heads/*|refs/tags/*) ;;',
      '    *) echo "refusing to allow a GitHub App to create or update $ref without \\`workflows\\` permission" >&2; exit 1 ;;',
      '  esac',
      'done',
      '',
    ].join('\n'),
  );
  chmodSync(hook, 0o755);
  hooks = dir;
  return dir;
}
