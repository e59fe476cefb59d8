import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import {
  COMPLETION,
  confinedSession,
  describeAsRoot,
  gitIn,
  rootOnlyMarker,
  useThrowawayUser,
} from './confine-fixtures.js';

const USER = useThrowawayUser('g');

async function sha(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** A command that, run by the job's user, leaves proof in a folder only that user can write. */
function payload(marker: string): string {
  return `id -u > ${marker}; cat`;
}

describeAsRoot(`the model's commands and git`, () => {
  it('cannot write the repository’s .git: config, hooks, attributes, includes', async () => {
    const marker = await rootOnlyMarker();
    let before = '';
    let hooksBefore: string[] = [];
    const run = await confinedSession({
      user: USER,
      prepare: async (root) => {
        before = await sha(path.join(root, '.git/config'));
        hooksBefore = await readdir(path.join(root, '.git/hooks'));
      },
      commands: [
        // The checkout is the job's; the model may guess where it is (here: every test
        // repository). It is not there in the sandbox, and its .git is the job user's.
        `ls -d /tmp/baton-repo-* 2>&1 | head -1; for ws in /tmp/baton-repo-*; do
           git -C "$ws" config filter.x.clean '${payload(marker)}';
           git -C "$ws" config core.fsmonitor '${payload(marker)}';
           git -C "$ws" config core.pager '${payload(marker)}';
           git -C "$ws" config include.path "$PWD/evil.gitconfig";
           printf '[core]\\n\\tfsmonitor = ${payload(marker)}\\n' >> "$ws/.git/config";
           printf '#!/bin/sh\\n${payload(marker)}\\n' > "$ws/.git/hooks/post-commit";
           chmod +x "$ws/.git/hooks/post-commit";
           echo '* filter=x' > "$ws/.git/info/attributes";
           mv "$ws/.git" "$ws/.git-gone";
         done; echo tried`,
        `echo '* filter=x diff=x' > .gitattributes; echo changed > README.md`,
      ],
    });
    expect(run.seen).toContain('tried');
    expect(run.seen).toContain('No such file or directory');
    expect(run.result.status).toBe('complete');
    expect(await sha(path.join(run.root, '.git/config'))).toBe(before);
    expect(await readdir(path.join(run.root, '.git/hooks'))).toEqual(hooksBefore);
    expect(existsSync(path.join(run.root, '.git/info/attributes'))).toBe(false);
    expect(existsSync(marker)).toBe(false);
    // The work itself is committed, byte for byte.
    expect(gitIn(run.root, 'show', 'HEAD:README.md')).toBe('changed');
    expect(gitIn(run.root, 'show', 'HEAD:.gitattributes')).toBe('* filter=x diff=x');
  });

  it('never runs a hook, filter, diff driver, pager or fsmonitor the repository names, whatever the tree’s attributes say', async () => {
    const marker = await rootOnlyMarker();
    const run = await confinedSession({
      user: USER,
      // As if a filter were configured for the job (git-lfs does this): the tree decides where it applies.
      prepare: (root) => {
        gitIn(root, 'config', 'filter.x.clean', payload(marker));
        gitIn(root, 'config', 'filter.x.smudge', payload(marker));
        gitIn(root, 'config', 'filter.x.required', 'true');
        gitIn(root, 'config', 'diff.x.command', payload(marker));
        gitIn(root, 'config', 'diff.x.textconv', payload(marker));
        gitIn(root, 'config', 'core.fsmonitor', payload(marker));
        gitIn(root, 'config', 'core.pager', payload(marker));
        for (const hook of ['reference-transaction', 'post-index-change', 'post-commit']) {
          writeFileSync(path.join(root, '.git/hooks', hook), `#!/bin/sh\n${payload(marker)}\n`, {
            mode: 0o755,
          });
        }
      },
      commands: [
        `printf '* filter=x diff=x text eol=crlf working-tree-encoding=UTF-16\\n' > .gitattributes`,
        `printf 'line one\\nline two\\n' > notes.txt`,
      ],
    });
    expect(existsSync(marker)).toBe(false);
    expect(run.result.status).toBe('complete');
    expect(gitIn(run.root, 'cat-file', 'blob', 'HEAD:notes.txt')).toBe('line one\nline two');
  });

  it('ignores a .git, .git/commondir, .gitmodules and include.path the model writes in its own copy', async () => {
    const marker = await rootOnlyMarker();
    const run = await confinedSession({
      user: USER,
      commands: [
        `git config core.fsmonitor '${payload(marker)}'; git config filter.x.clean '${payload(marker)}';
         git config include.path "$PWD/evil.gitconfig";
         printf '[core]\\n\\tfsmonitor = ${payload(marker)}\\n[filter "x"]\\n\\tclean = ${payload(marker)}\\n' > evil.gitconfig;
         printf '#!/bin/sh\\n${payload(marker)}\\n' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit;
         mkdir -p evil-common/hooks && printf '[core]\\n\\tfsmonitor = ${payload(marker)}\\n' > evil-common/config;
         cp .git/hooks/pre-commit evil-common/hooks/post-commit; echo "$PWD/evil-common" > .git/commondir;
         echo '* filter=x' > .gitattributes; echo tried`,
        `printf '[submodule "s"]\\n\\tpath = s\\n\\turl = ext::sh -c ${payload(marker).replace(/ /g, '% ')}\\n\\tupdate = !${payload(marker)}\\n' > .gitmodules;
         mkdir -p sub && (cd sub && git init -q && git config core.fsmonitor '${payload(marker)}')`,
      ],
    });
    expect(run.seen).toContain('tried');
    expect(existsSync(marker)).toBe(false);
    expect(run.result.status).toBe('complete');
    const committed = gitIn(run.root, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n');
    expect(committed).toEqual(
      expect.arrayContaining(['.gitmodules', 'evil.gitconfig', COMPLETION]),
    );
    expect(committed.some((name) => name.split('/').includes('.git'))).toBe(false);
  });
});
