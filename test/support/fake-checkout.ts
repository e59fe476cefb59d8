/**
 * A Baton checkout for tests of what the app runs against what its sessions pin
 * (`src/github/setup/checkout-state.ts`): a temporary git repository with a
 * package.json at 0.2.0, a commit tagged v0.2.0, then later commits.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A Baton checkout: package.json at 0.2.0 (and `files`), a commit tagged v0.2.0 (unless `tagged` is false), then `later` commits. */
export function fakeCheckout({
  tagged = true,
  later = 0,
  files = {},
}: {
  tagged?: boolean;
  later?: number;
  files?: Record<string, string>;
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-checkout-'));
  dirs.push(dir);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  git('init', '-q');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ version: '0.2.0', repository: 'github:baton-dev/baton' }),
  );
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  git('add', '.');
  git('commit', '-qm', 'release');
  const tagged_ = git('rev-parse', 'HEAD');
  if (tagged) git('tag', '-a', 'v0.2.0', '-m', 'Baton 0.2.0');
  for (let i = 0; i < later; i++) git('commit', '-q', '--allow-empty', '-m', `later ${i}`);
  return { dir, tagged: tagged_, head: git('rev-parse', 'HEAD') };
}
