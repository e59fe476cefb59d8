import { isBuildLabel } from '../config/build-labels.js';
import type { Config } from '../config/config.js';
import type { Plan } from '../plan/plan.js';
import { isChangeSetPlan, planRepositories, repositoryOf } from '../plan/set-plan.js';
import { compareTimes } from '../snapshot/normalize-snapshot.js';
import type { BuildSnapshot, CommandInfo } from '../snapshot/snapshot.js';
import { canWriteAll, type SetSnapshot } from './set-snapshot.js';

/**
 * Whether the build plans across every listed repository: whoever last added
 * its label (a writer of the issue's repository) can write each of them too,
 * since its plan session reads them all.
 */
export function plansAcross(set: SetSnapshot, config: Config): boolean {
  const listed = config.changeSets.repositories;
  if (listed.length === 0) return false;
  const labeller = (set.home.labelledBy ?? [])
    .filter((event) => isBuildLabel(config, event.label))
    .at(-1)?.login;
  return labeller !== undefined && canWriteAll(set, listed, labeller);
}

/** The repositories a command of the set's issue must be able to write to count for the set. */
export function repositoriesOf(
  set: SetSnapshot,
  { name, config, across }: { name: string; config: Config; across: boolean },
): string[] {
  const home = set.homeRepository;
  const listed = across ? [home, ...config.changeSets.repositories] : [home];
  const plan = set.home.plan;
  switch (name) {
    case 'approve':
      return plan.kind === 'valid' ? planRepositories(plan.plan, home) : listed;
    case 'replan':
      return listed;
    case 'rollback':
      return [
        home,
        ...set.members
          .filter((member) => member.final?.state === 'merged')
          .map((member) => member.repository),
      ];
    default:
      return [home];
  }
}

/**
 * The set build's commands as the set takes them: `/approve`, `/replan` and
 * `/rollback` only from people who can write every repository they concern
 * (`repositoriesOf`), and no `/replan` once a member build has begun (the
 * members run the plan as approved).
 */
export function setCommands(
  set: SetSnapshot,
  { config, across }: { config: Config; across: boolean },
): CommandInfo[] {
  const guarded = new Set(['approve', 'replan', 'rollback']);
  const allowed = set.home.commands.filter(
    (info) =>
      !guarded.has(info.command.name) ||
      canWriteAll(
        set,
        repositoriesOf(set, { name: info.command.name, config, across }),
        info.author,
      ),
  );
  const began = set.members
    .flatMap((member) => member.snapshot.runs.map((run) => run.createdAt))
    .sort(compareTimes)[0];
  return allowed.filter(
    (info) =>
      info.command.name !== 'replan' ||
      began === undefined ||
      compareTimes(info.createdAt, began) < 0,
  );
}

/** The set build with only the commands the set takes, and its plan refused when it has problems. */
export function setHome(
  set: SetSnapshot,
  { commands, problems }: { commands: CommandInfo[]; problems: string[] },
): BuildSnapshot {
  const { home } = set;
  const plan =
    problems.length > 0 && home.plan.kind === 'valid'
      ? { kind: 'invalid' as const, problems, sha: home.plan.sha }
      : home.plan;
  return { ...home, commands, plan };
}

/**
 * Whether a build of this repository is reconciled as a change set: its plan
 * names other repositories, or it may still plan across the ones its
 * configuration lists (no work has started on a plan of this repository
 * alone). Any other build is reconciled as it always was.
 */
export function isSetBuild({
  snapshot,
  config,
  home,
}: {
  snapshot: BuildSnapshot;
  config: Config;
  home: string;
}): boolean {
  const plan = snapshot.plan;
  if (plan.kind === 'valid' && isChangeSetPlan(plan.plan, home)) return true;
  if (config.changeSets.repositories.length === 0) return false;
  return !snapshot.runs.some((run) => run.role === 'work');
}

/**
 * Whose write access the set must know, and where: the labeller in every
 * listed repository, each command's author in the repositories it concerns
 * (a worker's command in that worker's; one of the whole set in every one the
 * plan touches), and whoever closed or reopened the issue in every repository.
 */
export function writersAsked({
  home,
  config,
  homeRepository,
  merged,
}: {
  home: BuildSnapshot;
  config: Config;
  homeRepository: string;
  /** Repositories whose final pull request merged (what `/rollback` reverts). */
  merged: string[];
}): Map<string, Set<string>> {
  const plan = home.plan.kind === 'valid' ? home.plan.plan : null;
  const listed = [homeRepository, ...config.changeSets.repositories];
  const touched = plan ? planRepositories(plan, homeRepository) : listed;
  const asked = new Map<string, Set<string>>();
  const ask = (login: string | null | undefined, repositories: string[]) => {
    if (!login || login.endsWith('[bot]')) return;
    const key = login.toLowerCase();
    asked.set(key, new Set([...(asked.get(key) ?? []), ...repositories]));
  };
  const labeller = (home.labelledBy ?? [])
    .filter((event) => isBuildLabel(config, event.label))
    .at(-1);
  ask(labeller?.login, listed);
  for (const info of home.commands)
    ask(info.author, concerned(info, { plan, homeRepository, listed, touched, merged }));
  for (const change of home.issue.stateChanges ?? []) ask(change.by, touched);
  ask(home.issue.closed?.by, touched);
  return asked;
}

function concerned(
  info: CommandInfo,
  {
    plan,
    homeRepository,
    listed,
    touched,
    merged,
  }: {
    plan: Plan | null;
    homeRepository: string;
    listed: string[];
    touched: string[];
    merged: string[];
  },
): string[] {
  const { command } = info;
  switch (command.name) {
    case 'replan':
      return listed;
    case 'rollback':
      return [homeRepository, ...merged];
    case 'retry':
    case 'skip':
    case 'merge':
    case 'continue': {
      const worker = plan?.workers.find((one) => one.id === command.worker);
      return worker ? [repositoryOf(worker, homeRepository)] : [];
    }
    default:
      return touched;
  }
}
