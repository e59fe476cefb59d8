import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { REPOSITORY_NAME } from '../../core/vocabulary/ids.js';
import { VIEWS_MANIFEST, type ViewRead } from './run-views.js';

const Manifest = z.array(
  z.object({
    repository: z.string().regex(REPOSITORY_NAME),
    ref: z.string().nullable(),
    path: z.string().regex(REPOSITORY_NAME),
  }),
);

/** The views a change set's plan session may read, with each one's folder; none where there are none. */
export interface Views {
  dir: string;
  views: ViewRead[];
}

/**
 * What the views job left (`$BATON_VIEWS`, the artifact the agent job
 * downloaded), its manifest checked: nothing when the job did not run or
 * left nothing.
 */
export async function readViews(dir: string | undefined): Promise<Views> {
  if (!dir) return { dir: '', views: [] };
  const text = await readFile(path.join(dir, VIEWS_MANIFEST), 'utf8').catch(() => null);
  if (text === null) return { dir, views: [] };
  try {
    const parsed = Manifest.safeParse(JSON.parse(text));
    return { dir, views: parsed.success ? parsed.data : [] };
  } catch {
    return { dir, views: [] };
  }
}
