import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnerRunSync } from '../../spawner/spawner.js';

/** One entry of `git ls-tree -l`. */
export interface LsTreeEntry {
  path: string;
  type: string;
  sha: string;
  size: number;
}

const LS_TREE_LINE = /^(\d+) (\w+) ([0-9a-f]{40}) +(-|\d+)\t(.*)$/s;

/** git's environment for the simulator: no user or system config, no inherited GIT_* pointing elsewhere. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_')) env[key] = value;
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

/**
 * Runs git to its end (through the simulator's spawner, spawner.ts) and
 * answers its stdout; throws with its stderr when it fails, as `execFileSync` does.
 */
function gitSync(args: string[], env: NodeJS.ProcessEnv, input?: string): Buffer {
  const result = spawnerRunSync({
    file: 'git',
    args,
    env,
    ...(input === undefined ? {} : { input }),
  });
  if (result.status !== 0) {
    throw Object.assign(
      new Error(
        `git ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}`,
      ),
      result,
    );
  }
  return result.stdout;
}

/** A bare repository and the few git commands the simulator runs in it, synchronously. */
export class BareRepo {
  readonly gitDir: string;
  #lastCommitSeconds = 0;

  /** Opens `gitDir`, running `git init --bare` there first when it holds no repository. */
  constructor({ gitDir, defaultBranch }: { gitDir: string; defaultBranch: string }) {
    this.gitDir = gitDir;
    if (existsSync(join(gitDir, 'HEAD'))) return;
    gitSync(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, gitDir], gitEnv());
    // Pushes come in over HTTP; a checkout may ask for any commit it saw in a webhook.
    this.run(['config', 'http.receivepack', 'true']);
    this.run(['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  }

  /** Runs git and answers its stdout; throws on failure. */
  run(args: string[], { input, env = {} }: { input?: string; env?: Record<string, string> } = {}) {
    return gitSync(args, gitEnv({ GIT_DIR: this.gitDir, ...env }), input).toString('utf8');
  }

  /** Runs git and answers its exit code and stdout, for questions git answers by exit code. */
  tryRun(args: string[]): { code: number; stdout: string } {
    const result = spawnerRunSync({ file: 'git', args, env: gitEnv({ GIT_DIR: this.gitDir }) });
    return { code: result.status ?? 1, stdout: result.stdout.toString('utf8') };
  }

  /** Every ref and its sha. */
  readRefs(): Map<string, string> {
    const refs = new Map<string, string>();
    for (const line of this.run(['for-each-ref', '--format=%(objectname) %(refname)']).split(
      '\n',
    )) {
      const [sha, ref] = line.split(' ');
      if (sha && ref) refs.set(ref, sha);
    }
    return refs;
  }

  /** `git ls-tree -l`; a path that is missing or not a folder lists nothing. */
  lsTree(args: string[]): LsTreeEntry[] {
    return this.tryRun(['ls-tree', '-l', '-z', ...args])
      .stdout.split('\0')
      .flatMap((line) => {
        const match = LS_TREE_LINE.exec(line);
        if (!match) return [];
        const [, , type = '', sha = '', size = '-', path = ''] = match;
        return [{ path, type, sha, size: size === '-' ? 0 : Number(size) }];
      });
  }

  /** Reads many blobs as text with one `cat-file --batch`. */
  readBlobs(shas: string[]): string[] {
    if (shas.length === 0) return [];
    const output = gitSync(
      ['cat-file', '--batch'],
      gitEnv({ GIT_DIR: this.gitDir }),
      `${shas.join('\n')}\n`,
    );
    const contents: string[] = [];
    let at = 0;
    for (let i = 0; i < shas.length; i++) {
      const eol = output.indexOf(10, at);
      const size = Number(output.subarray(at, eol).toString('utf8').split(' ')[2]);
      contents.push(output.subarray(eol + 1, eol + 1 + size).toString('utf8'));
      at = eol + 1 + size + 1;
    }
    return contents;
  }

  /** A commit's parents, message, author and committer date. */
  readCommit(sha: string): {
    parents: string[];
    message: string;
    committedAt?: string;
    author?: { name: string; email: string };
  } {
    const text = this.run(['cat-file', 'commit', sha]);
    const split = text.indexOf('\n\n');
    const headers = text.slice(0, split < 0 ? text.length : split).split('\n');
    const seconds = /^committer .* (\d+) [+-]\d{4}$/.exec(
      headers.find((h) => h.startsWith('committer ')) ?? '',
    )?.[1];
    const author = /^author (.*) <([^>]*)> \d+ [+-]\d{4}$/.exec(
      headers.find((h) => h.startsWith('author ')) ?? '',
    );
    return {
      parents: headers.filter((h) => h.startsWith('parent ')).map((h) => h.slice(7)),
      message: split < 0 ? '' : text.slice(split + 2).replace(/\n$/, ''),
      ...(seconds ? { committedAt: new Date(Number(seconds) * 1000).toISOString() } : {}),
      ...(author ? { author: { name: author[1] ?? '', email: author[2] ?? '' } } : {}),
    };
  }

  /**
   * Commits a tree as GitHub would (committer GitHub; the author GitHub, or
   * whom GitHub names, as for `update-branch`). Dates only move forward, so
   * equal trees and messages on one parent still get new shas, as the
   * in-memory store's do.
   */
  commitTree({
    tree,
    parents,
    message,
    author = { name: 'GitHub', email: 'noreply@github.com' },
  }: {
    tree: string;
    parents: string[];
    message: string;
    author?: { name: string; email: string };
  }) {
    this.#lastCommitSeconds = Math.max(Math.floor(Date.now() / 1000), this.#lastCommitSeconds + 1);
    const date = `${this.#lastCommitSeconds} +0000`;
    return this.run(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])], {
      input: message,
      env: {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: 'GitHub',
        GIT_COMMITTER_EMAIL: 'noreply@github.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    }).trim();
  }
}
