import { lstat, mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Plan } from '../../../core/plan/plan.js';
import { repositoryOf } from '../../../core/plan/set-plan.js';
import { briefPath, buildDir, type MemberBuild, planPath } from '../../../core/vocabulary/ids.js';
import { readViews } from '../../views/read-views.js';
import type { AgentContext } from '../agent-context.js';
import { commitSession } from '../session-output.js';
import { failedOutcome, type RoleOutcome } from './role-outcome.js';

/**
 * A change set's member build begins with a plan session in slice mode
 * (docs/change-sets.md): no model; it copies the set's approved plan, named
 * for this member build, and the briefs of this repository's workers from
 * the set's build branch, which its `views` job fetched read-only, and
 * commits them as any plan's record. Publish pushes them as a plan's.
 */
export async function runSliceRole(ctx: AgentContext, member: MemberBuild): Promise<RoleOutcome> {
  const build = ctx.env.BATON_BUILD;
  const { dir, views } = await readViews(ctx.env.BATON_VIEWS);
  const home = views.find((view) => view.repository === member.home);
  if (!home)
    return failedOutcome(
      `the change set's plan is out of reach: the views job fetched nothing of ${member.home} (does its .github/baton.yml list this repository under changeSets.repositories?)`,
    );
  const copy = path.join(dir, home.path);
  const from = buildDir(member.build);
  const parsed = Plan.safeParse(safeJson(await fileIn(copy, path.join(from, 'plan.json'))));
  if (!parsed.success)
    return failedOutcome(`the change set's plan.json on ${member.home} is missing or not a plan`);
  const repository = ctx.env.GITHUB_REPOSITORY.toLowerCase();
  const mine = parsed.data.workers.filter((w) => repositoryOf(w, member.home) === repository);
  if (mine.length === 0)
    return failedOutcome(`the change set's plan gives ${repository} no worker`);
  const plan = { ...parsed.data, build };
  const record = path.join(ctx.root, buildDir(build));
  await rm(record, { recursive: true, force: true });
  await mkdir(path.join(record, 'workers'), { recursive: true });
  await writeFile(path.join(ctx.root, planPath(build)), `${JSON.stringify(plan, null, 2)}\n`);
  for (const worker of mine) {
    const brief = await fileIn(copy, path.join(from, 'workers', `${worker.id}.md`));
    if (brief === null)
      return failedOutcome(`the change set's brief of ${worker.id} is missing on ${member.home}`);
    await writeFile(path.join(ctx.root, briefPath(build, worker.id)), brief);
  }
  const commit = await commitSession(
    ctx,
    `Plan ${build}: ${plan.title} (this repository's part of ${member.home}#${member.issue})`,
  );
  if (!commit.ok) return failedOutcome(commit.reason);
  return { status: 'complete', reason: null, head: commit.head, plan };
}

/**
 * A plain file of the fetched copy at `name`; null for none, or where it or a
 * folder on its way is a link (which could point anywhere on the runner).
 */
async function fileIn(copy: string, name: string): Promise<string | null> {
  const file = path.join(copy, name);
  const info = await lstat(file).catch(() => null);
  if (!info?.isFile()) return null;
  const [real, root] = await Promise.all([realpath(file), realpath(copy)]);
  return real === path.join(root, name) ? readFile(file, 'utf8') : null;
}

function safeJson(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}
