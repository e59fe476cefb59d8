import {
  COMPLETION_MAX_BYTES,
  type Completion,
  Completion as CompletionSchema,
} from '../core/completion.js';
import { buildDir } from '../core/ids.js';
import type { CompletionRead, PlanRead } from '../core/snapshot.js';
import { validatePlan } from '../core/validate-plan.js';
import { ImmutableCache } from './immutable-cache.js';
import type { RepoContext } from './types.js';
import { statusOf } from './types.js';

/** The largest `plan.json` the app reads; a larger one is reported, not read. */
export const PLAN_MAX_BYTES = 256 * 1024;

interface TreeEntry {
  name: string;
  type: string;
  sha: string;
  size: number;
}

const blobs = new ImmutableCache<string>();
const trees = new ImmutableCache<TreeEntry[]>();

export interface BuildRecord {
  plan: PlanRead;
  completions: Record<string, CompletionRead>;
}

/**
 * Reads the build's record from its build branch: `plan.json` (size-capped,
 * validated) and the completion reports. Briefs are never read: only their
 * sizes, from the git tree. Objects are cached by sha, so a record that did not
 * change costs one request.
 */
export async function readBuildRecord(
  ctx: RepoContext,
  { build, integrationSha }: { build: string; integrationSha: string },
): Promise<BuildRecord> {
  const root = await listDir(ctx, { path: buildDir(build), ref: integrationSha });
  const planEntry = root?.find((entry) => entry.name === 'plan.json' && entry.type === 'file');
  if (!root || !planEntry) return { plan: { kind: 'missing' }, completions: {} };
  const [plan, completions] = await Promise.all([
    readPlan(ctx, { build, planEntry, root }),
    readCompletions(
      ctx,
      root.find((entry) => entry.name === 'completions' && entry.type === 'dir'),
    ),
  ]);
  return { plan, completions };
}

async function readPlan(
  ctx: RepoContext,
  { build, planEntry, root }: { build: string; planEntry: TreeEntry; root: TreeEntry[] },
): Promise<PlanRead> {
  const sha = planEntry.sha;
  if (planEntry.size > PLAN_MAX_BYTES) {
    return {
      kind: 'invalid',
      sha,
      problems: [`plan.json is ${planEntry.size} bytes; at most ${PLAN_MAX_BYTES} are read`],
    };
  }
  const raw = parseJson(await readBlob(ctx, sha));
  if (!raw.ok)
    return { kind: 'invalid', sha, problems: [`plan.json is not valid JSON: ${raw.reason}`] };
  const workersDir = root.find((entry) => entry.name === 'workers' && entry.type === 'dir');
  const workers = workersDir ? await readTree(ctx, workersDir.sha) : [];
  const briefSizes = Object.fromEntries(
    workers.map((entry) => [`workers/${entry.name}`, entry.size]),
  );
  const checked = validatePlan({ raw: raw.value, build, briefSizes });
  return checked.ok
    ? { kind: 'valid', plan: checked.plan, sha }
    : { kind: 'invalid', sha, problems: checked.problems };
}

async function readCompletions(
  ctx: RepoContext,
  dir: TreeEntry | undefined,
): Promise<Record<string, CompletionRead>> {
  if (!dir) return {};
  const entries = (await readTree(ctx, dir.sha)).filter((entry) =>
    /^W\d+\.\d+\.json$/.test(entry.name),
  );
  const reads = await Promise.all(entries.map((entry) => readCompletion(ctx, entry)));
  return Object.fromEntries(
    entries.map((entry, i) => [entry.name.replace(/\.json$/, ''), reads[i] as CompletionRead]),
  );
}

async function readCompletion(ctx: RepoContext, entry: TreeEntry): Promise<CompletionRead> {
  if (entry.size > COMPLETION_MAX_BYTES) {
    return {
      kind: 'invalid',
      problems: [`${entry.name} is larger than ${COMPLETION_MAX_BYTES} bytes`],
    };
  }
  const raw = parseJson(await readBlob(ctx, entry.sha));
  if (!raw.ok)
    return { kind: 'invalid', problems: [`${entry.name} is not valid JSON: ${raw.reason}`] };
  const parsed = CompletionSchema.safeParse(raw.value);
  if (!parsed.success) {
    return {
      kind: 'invalid',
      problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    };
  }
  return { kind: 'valid', completion: parsed.data satisfies Completion };
}

async function listDir(
  ctx: RepoContext,
  { path, ref }: { path: string; ref: string },
): Promise<TreeEntry[] | null> {
  try {
    const { data } = await ctx.octokit.rest.repos.getContent({
      owner: ctx.owner,
      repo: ctx.repo,
      path,
      ref,
    });
    if (!Array.isArray(data)) return null;
    return data.map(({ name, type, sha, size }) => ({ name, type, sha, size }));
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

function readTree(ctx: RepoContext, sha: string): Promise<TreeEntry[]> {
  return trees.get(sha, async () => {
    const { data } = await ctx.octokit.rest.git.getTree({
      owner: ctx.owner,
      repo: ctx.repo,
      tree_sha: sha,
    });
    return data.tree.map((entry) => ({
      name: entry.path ?? '',
      type: entry.type === 'tree' ? 'dir' : 'file',
      sha: entry.sha ?? '',
      size: entry.size ?? 0,
    }));
  });
}

function readBlob(ctx: RepoContext, sha: string): Promise<string> {
  return blobs.get(sha, async () => {
    const { data } = await ctx.octokit.rest.git.getBlob({
      owner: ctx.owner,
      repo: ctx.repo,
      file_sha: sha,
    });
    return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString(
      'utf8',
    );
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
