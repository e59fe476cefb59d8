import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { schemaProblems } from '../../../../core/vocabulary/schema-problems.js';
import { RESULT_FILE, RESULT_MAX_BYTES, SessionResult } from '../../../result.js';

/** The checked result, or what is wrong with `result.json`. */
export type ReadResult = { ok: true; result: SessionResult } | { ok: false; problems: string[] };

/**
 * Reads `result.json` from the agent job's output folder, size-capped and
 * schema-checked. Nothing in it is trusted until it has passed here.
 */
export async function readResult(outDir: string): Promise<ReadResult> {
  const path = join(outDir, RESULT_FILE);
  const size = await sizeOf(path);
  if (size === null) {
    return {
      ok: false,
      problems: [
        `${RESULT_FILE} is missing from BATON_OUT: the agent job ended without a result (read its log)`,
      ],
    };
  }
  if (size > RESULT_MAX_BYTES) {
    return {
      ok: false,
      problems: [`${RESULT_FILE} is ${size} bytes; at most ${RESULT_MAX_BYTES} are accepted`],
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [`${RESULT_FILE} is not valid JSON: ${reason}`] };
  }
  const parsed = SessionResult.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, problems: schemaProblems(RESULT_FILE, parsed.error) };
  }
  return { ok: true, result: parsed.data };
}

/** The size of a regular file, or null when there is none. */
export async function sizeOf(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
