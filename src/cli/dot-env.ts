import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** The environment with `.env` under it, as Probot's runner reads it: set variables win. */
export function withDotEnv(
  source: Record<string, string | undefined>,
  cwd: string,
): Record<string, string | undefined> {
  const path = join(cwd, '.env');
  if (!existsSync(path)) return { ...source };
  return { ...parseEnv(readFileSync(path, 'utf8')), ...source };
}
