import { Plan } from '../../../../core/plan/plan.js';
import { parseBrief } from '../../../../core/records/brief.js';
import { briefPath, planPath } from '../../../../core/vocabulary/ids.js';
import { readCappedBlobs } from '../../cat-file-batch.js';
import type { ScratchRepo } from '../../scratch-repo.js';

/** plan.json is capped where the app reads it; publish reads no more. */
const RECORD_MAX_BYTES = 512 * 1024;

/**
 * The worker's title as the plan gives it, read at the session's base: from
 * `plan.json`, else the brief's front matter, else the worker id alone.
 */
export async function readWorkerTitle({
  repo,
  base,
  build,
  worker,
}: {
  repo: ScratchRepo;
  base: string;
  build: string;
  worker: string;
}): Promise<string> {
  const plan = Plan.safeParse(parseJson(await readAt(repo, `${base}:${planPath(build)}`)));
  const planned = plan.success ? plan.data.workers.find((entry) => entry.id === worker) : undefined;
  if (planned) return planned.title;
  const brief = await readAt(repo, `${base}:${briefPath(build, worker)}`);
  const parsed = brief === null ? null : parseBrief(brief);
  return parsed?.ok ? parsed.frontMatter.title : worker;
}

/** A file of the record at `<commit>:<path>`, or null when absent or over the cap. */
export async function readAt(repo: ScratchRepo, spec: string): Promise<string | null> {
  const [text = null] = await readAllAt(repo, [spec]);
  return text;
}

/**
 * Files of the record, each at `<commit>:<path>` (null where absent or over
 * the cap), by two gits at most: one for every size, one for every content.
 * What was read before at a commit id is not read again.
 */
export async function readAllAt(
  repo: ScratchRepo,
  specs: readonly string[],
): Promise<(string | null)[]> {
  const blobs = await readCappedBlobs(repo, specs, RECORD_MAX_BYTES);
  return blobs.map((blob) => blob?.toString('utf8') ?? null);
}

export function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
