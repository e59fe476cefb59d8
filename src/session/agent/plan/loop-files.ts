import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Plan, waveOf } from '../../../core/plan/plan.js';
import { validatePlan } from '../../../core/plan/validate-plan.js';
import { parseBrief, renderBriefFile } from '../../../core/records/brief.js';
import { planPath } from '../../../core/vocabulary/ids.js';
import type { PlanFiles } from './plan-submission.js';

/** A file of the checkout as text, or null when it is not there. */
export async function readIfPresent(root: string, relative: string): Promise<string | null> {
  return readFile(path.join(root, relative), 'utf8').catch(() => null);
}

/** Writes a file of the record, making its folder. */
export async function writeRecordFile(root: string, relative: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), text);
}

/** The plan already on the build branch (earlier loops' workers), or null. */
export async function readPlan(root: string, build: string): Promise<Plan | null> {
  const text = await readIfPresent(root, planPath(build));
  if (text === null) return null;
  const parsed = Plan.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

/**
 * Loop `loop`'s plan added to the earlier loops': its workers move to waves
 * after theirs (the model numbers from W1.1, as in any plan), carry `loop`, and
 * their briefs are rewritten with the new ids. The earlier workers stay as
 * they are, so the app keeps their state; the whole plan is checked again.
 */
export function appendLoopPlan({
  previous,
  files,
  loop,
  build,
}: {
  previous: Plan | null;
  files: PlanFiles;
  loop: number;
  build: string;
}): { ok: true; files: PlanFiles; dropped: string[] } | { ok: false; problems: string[] } {
  // A replan of this loop replaces its own earlier workers (and any later loop's); earlier loops stay.
  const kept = (previous?.workers ?? []).filter((worker) => (worker.loop ?? 0) < loop);
  const dropped = (previous?.workers ?? [])
    .filter((worker) => (worker.loop ?? 0) >= loop)
    .map((worker) => worker.id);
  const offset = Math.max(0, ...kept.map((w) => waveOf(w.id)));
  const rename = (id: string) => `W${waveOf(id) + offset}${id.slice(id.indexOf('.'))}`;
  const added = files.plan.workers.map((worker) => ({
    ...worker,
    id: rename(worker.id),
    depends_on: worker.depends_on.map(rename),
    loop,
  }));
  const briefs = new Map<string, string>();
  const briefSizes: Record<string, number> = {};
  for (const worker of added) {
    const original = files.briefs.get(files.plan.workers[added.indexOf(worker)]?.id ?? '') ?? '';
    const parsed = parseBrief(original);
    const text = renderBriefFile(worker, parsed.ok ? parsed.body : original);
    briefs.set(worker.id, text);
    briefSizes[`workers/${worker.id}.md`] = Buffer.byteLength(text);
  }
  const raw = { ...files.plan, workers: [...kept, ...added] };
  // Earlier briefs are on the branch already; only their sizes are unknown here, and were checked then.
  for (const worker of kept) briefSizes[`workers/${worker.id}.md`] = 1;
  const checked = validatePlan({ raw, build, briefSizes });
  return checked.ok ? { ok: true, files: { plan: checked.plan, briefs }, dropped } : checked;
}
