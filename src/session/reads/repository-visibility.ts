import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RepositoryVisibility } from '../../core/config/config.js';

const Payload = z.object({
  repository: z.object({
    visibility: z.enum(['public', 'private', 'internal']).optional(),
    private: z.boolean().optional(),
  }),
});

/**
 * The repository's visibility from the run's event payload (`GITHUB_EVENT_PATH`,
 * written by the runner: `repository.visibility`, or `repository.private`);
 * null outside Actions or when the payload does not say.
 */
export async function readRepositoryVisibility(
  eventPath: string | undefined,
): Promise<RepositoryVisibility | null> {
  if (!eventPath) return null;
  const text = await readFile(eventPath, 'utf8').catch(() => null);
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = Payload.safeParse(raw);
  if (!parsed.success) return null;
  const { visibility, private: hidden } = parsed.data.repository;
  if (visibility) return visibility;
  return hidden === undefined ? null : hidden ? 'private' : 'public';
}
