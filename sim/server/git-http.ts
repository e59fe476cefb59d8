import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { gitEnv } from '../github/git/bare-repo.js';
import type { Grants } from '../github/permissions.js';
import { credentialOf } from '../github/tokens.js';
import { spawnerRun } from '../spawner/spawner.js';

/** Whether a smart-HTTP request is (the start of) a push. */
export function isPush(req: IncomingMessage, pathInfo: string): boolean {
  const query = new URL(req.url ?? '/', 'http://x').searchParams;
  return pathInfo.endsWith('/git-receive-pack') || query.get('service') === 'git-receive-pack';
}

/**
 * Serves git's smart HTTP protocol for the bare repository at `gitDir` through
 * `git http-backend` (a CGI program). A public repository anyone may fetch, a
 * private one a credential that sees it (`mayFetch`); a push needs a token
 * with `contents: write` (`grantsOf` tells a credential's permissions; not the
 * agent job's read-only one), and one that creates or updates a file under
 * `.github/workflows/` relative to the ref's old state also `workflows: write`
 * (a pre-receive hook refuses it with GitHub's words). `onPushed` runs after a
 * push finished and before the client gets the end of the answer, so when
 * `git push` returns, the REST API already shows the new refs.
 */
export function serveGit({
  req,
  res,
  gitDir,
  pathInfo,
  grantsOf,
  mayFetch,
  refused,
  defaultBranch,
  onPushed,
  refuseHiddenRefs = false,
}: {
  req: IncomingMessage;
  res: ServerResponse;
  gitDir: string;
  /** The path after `/<owner>/<repo>.git`: `/info/refs`, `/git-upload-pack`, … */
  pathInfo: string;
  /** A credential's permissions; null for one GitHub would not know. */
  grantsOf: (credential: string) => Grants | null;
  /** Whether a credential (null: none) may fetch: GitHub shows a private repository only to one that sees it. */
  mayFetch: (credential: string | null) => boolean;
  /** Whether GitHub takes no request with a credential (a revoked token, one it never issued): 401. */
  refused: (credential: string) => boolean;
  /** A new branch is compared with where it leaves the default branch. */
  defaultBranch: string;
  onPushed: () => void;
  /** Refuse pushes of refs outside refs/heads and refs/tags (`gh.hiddenRefPushNeedsWorkflows`). */
  refuseHiddenRefs?: boolean;
}): void {
  const push = isPush(req, pathInfo);
  const credential = credentialOf(req.headers);
  if (credential && refused(credential)) {
    res
      .writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"' })
      .end(
        'Invalid username or token. Password authentication is not supported for Git operations.\n',
      );
    return;
  }
  if (!push && credential && !mayFetch(credential)) {
    res.writeHead(404).end('Repository not found.\n');
    return;
  }
  if ((push || !mayFetch(null)) && !credential) {
    res
      .writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"' })
      .end('Authentication required\n');
    return;
  }
  const grants = push && credential ? grantsOf(credential) : null;
  if (push && grants?.contents !== 'write') {
    res.writeHead(403).end('Permission to push denied: the token cannot write contents\n');
    return;
  }
  const guardWorkflows = push && grants?.workflows !== 'write';
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
    ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
    ...(req.headers['content-encoding']
      ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] }
      : {}),
    ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    ...(guardWorkflows || (push && refuseHiddenRefs)
      ? {
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'core.hooksPath',
          GIT_CONFIG_VALUE_0: receiveHooks(gitDir),
          SIM_DEFAULT_BRANCH: defaultBranch,
          ...(guardWorkflows ? { SIM_GUARD_WORKFLOWS: '1' } : {}),
          ...(push && refuseHiddenRefs ? { SIM_REFUSE_HIDDEN_REFS: '1' } : {}),
        }
      : {}),
  });
  // The whole request, then the whole answer: `http-backend` runs through the simulator's spawner.
  const body: Buffer[] = [];
  req.on('data', (chunk: Buffer) => body.push(chunk));
  req.on('end', () => {
    void spawnerRun({ file: 'git', args: ['http-backend'], env, input: Buffer.concat(body) }).then(
      ({ status, stdout, stderr }) => {
        const end = headerEnd(stdout);
        if (!end) {
          res.writeHead(500).end(`git http-backend failed (${status}): ${stderr}`);
          return;
        }
        const { status: code, headers } = parseCgiHeaders(
          stdout.subarray(0, end.at).toString('latin1'),
        );
        res.writeHead(code, headers);
        if (push && req.method === 'POST') onPushed();
        res.end(stdout.subarray(end.at + end.length));
      },
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
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

/**
 * The pre-receive hook: with `SIM_GUARD_WORKFLOWS`, it refuses a push that
 * creates or updates a file under `.github/workflows/` relative to each ref's
 * old state (a new ref: relative to its merge base with the default branch);
 * with `SIM_REFUSE_HIDDEN_REFS`, every ref outside refs/heads and refs/tags, as
 * a GitHub that wants `workflows` for a new hidden ref would (documented
 * nowhere; `baton doctor` probes it). GitHub's words; git shows them as
 * `remote: …` and the ref as rejected.
 */
const PRE_RECEIVE = `#!/bin/sh
zero=0000000000000000000000000000000000000000
refused=0
while read old new ref; do
  [ "$new" = "$zero" ] && continue
  if [ -n "$SIM_REFUSE_HIDDEN_REFS" ]; then
    case "$ref" in
      refs/heads/*|refs/tags/*) ;;
      *) echo "refusing to allow a GitHub App to create or update $ref without \\\`workflows\\\` permission" >&2; refused=1; continue ;;
    esac
  fi
  [ -n "$SIM_GUARD_WORKFLOWS" ] || continue
  base="$old"
  if [ "$old" = "$zero" ]; then
    base=$(git merge-base "$new" "refs/heads/$SIM_DEFAULT_BRANCH" 2>/dev/null || true)
  fi
  if [ -n "$base" ]; then
    files=$(git diff --name-only --no-renames --diff-filter=ACMT "$base" "$new" -- .github/workflows)
  else
    files=$(git ls-tree -r --name-only "$new" -- .github/workflows)
  fi
  first=$(printf '%s\\n' "$files" | sed -n 1p)
  if [ -n "$first" ]; then
    echo "refusing to allow a GitHub App to create or update workflow \\\`$first\\\` without \\\`workflows\\\` permission" >&2
    refused=1
  fi
done
exit $refused
`;

/** The folder of the pre-receive hook, written once beside the repository. */
function receiveHooks(gitDir: string): string {
  const dir = join(gitDir, 'sim-workflow-hooks');
  const hook = join(dir, 'pre-receive');
  if (!existsSync(hook)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(hook, PRE_RECEIVE, { mode: 0o755 });
  }
  return dir;
}
