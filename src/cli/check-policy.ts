import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { applyPolicy, checkPolicy, effectiveSettings } from '../core/config/org-policy.js';
import { checkConfigText } from '../read-config.js';

/**
 * `baton check --policy POLICY [--effective] [FILE …]`: each repository's
 * file under an organisation's `baton-policy.yml`, offline. A setting that
 * loosens a limit is refused (the app ignores it and says so); with
 * `--effective`, every setting in effect and where it came from.
 */
export async function checkUnderPolicy({
  policyFile,
  files,
  effective,
  cwd,
  out,
  err,
}: {
  policyFile: string;
  files: { file: string }[] | string;
  effective: boolean;
  cwd: string;
  out: (line: string) => void;
  err: (line: string) => void;
}): Promise<number> {
  if (typeof files === 'string') {
    err(`baton check: ${files}`);
    return 2;
  }
  const policyText = await readText(resolve(cwd, policyFile), err);
  if (policyText === null) return 2;
  let raw: unknown;
  try {
    raw = parse(policyText);
  } catch (error) {
    out(
      `${policyFile}: is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : ''}`,
    );
    return 1;
  }
  const { policy, problems } = checkPolicy(raw);
  if (!policy) {
    out(`${policyFile}: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`);
    for (const problem of problems) out(`  ${problem}`);
    return 1;
  }
  const commit = commitOf(resolve(cwd, policyFile));
  const source = { source: 'policy', commit: commit ?? 'uncommitted' };
  let failed = false;
  for (const { file } of files) {
    const text = await readText(resolve(cwd, file), err);
    if (text === null) return 2;
    const own = checkConfigText(text);
    if (own.length > 0) {
      failed = true;
      out(
        `${file}: ${own.length} ${own.length === 1 ? 'problem' : 'problems'} (baton check ${file} says which)`,
      );
      continue;
    }
    const repoRaw = (parse(text) as unknown) ?? {};
    const { config, applied } = applyPolicy(repoRaw, { source, policy });
    if (!config.ok || !applied) {
      failed = true;
      out(`${file}: no config under ${policyFile}`);
      continue;
    }
    if (applied.ignored.length === 0) out(`${file}: within ${policyFile}`);
    else {
      failed = true;
      out(
        `${file}: ${applied.ignored.length} ${applied.ignored.length === 1 ? 'setting loosens' : 'settings loosen'} ${policyFile}, which the app ignores:`,
      );
      for (const one of applied.ignored) out(`  ${one.field}: ${one.value}: ${one.limit}`);
    }
    if (!effective) continue;
    const where = `${policyFile}${commit ? ` at ${commit.slice(0, 12)}` : ''}`;
    for (const setting of effectiveSettings({
      config: config.config,
      repoRaw,
      policy,
      ignored: applied.ignored,
    })) {
      const from =
        setting.origin === 'repository'
          ? file
          : setting.origin === 'policy'
            ? where
            : setting.origin === 'policy limit'
              ? `${where} (limit)`
              : 'default';
      out(`  ${setting.field}: ${setting.value}  # ${from}`);
    }
  }
  return failed ? 1 : 0;
}

async function readText(path: string, err: (line: string) => void): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    err(
      `baton check: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
}

/** The commit that last changed the file in its checkout; null outside one, or uncommitted. */
function commitOf(path: string): string | null {
  try {
    const sha = execFileSync('git', ['log', '-1', '--format=%H', '--', path], {
      cwd: dirname(path),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    }).trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
  } catch {
    return null;
  }
}
