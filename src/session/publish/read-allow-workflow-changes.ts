import yaml from 'js-yaml';
import { parseConfig } from '../../core/config.js';
import type { ScratchRepo } from './git.js';

/**
 * Reads `session.allowWorkflowChanges` from `.github/baton.yml` as it is at the
 * base, so a session cannot grant itself the right by editing the file.
 */
export async function readAllowWorkflowChanges(
  repo: ScratchRepo,
  base: string,
): Promise<{ allowed: boolean; problem: string | null }> {
  const spec = `${base}:.github/baton.yml`;
  const exists = await repo.run({ args: ['cat-file', '-e', spec] });
  if (exists.code !== 0) return { allowed: false, problem: null };
  const text = await repo.must({ args: ['show', spec] });
  let raw: unknown;
  try {
    raw = yaml.load(text);
  } catch {
    return { allowed: false, problem: '.github/baton.yml at the base is not valid YAML' };
  }
  const parsed = parseConfig(raw);
  if (!parsed.ok)
    return { allowed: false, problem: '.github/baton.yml at the base is not a valid Baton config' };
  return { allowed: parsed.config.session.allowWorkflowChanges, problem: null };
}
