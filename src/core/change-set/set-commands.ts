import { COMMANDS } from '../commands/command-table.js';
import { isBuildLabel } from '../config/build-labels.js';
import type { Config } from '../config/config.js';
import type { Plan } from '../plan/plan.js';
import { isChangeSetPlan, planRepositories, repositoryOf } from '../plan/set-plan.js';
import { isWorkRole } from '../sessions/session.js';
import type { BuildSnapshot, CommandInfo } from '../snapshot/snapshot.js';
import { setRefusal } from './set-refusal.js';
import { canWriteAll, type SetSnapshot } from './set-snapshot.js';

/**
 * Whether the build plans across every listed repository: whoever asked for it,
 * or added its label since (a writer of the issue's repository), can write each
 * of them too, since its plan session reads them all.
 */
export function plansAcross(set: SetSnapshot, config: Config): boolean {
  const listed = config.changeSets.repositories;
  if (listed.length === 0) return false;
  return askersOfSet(set.home, config).some((login) => canWriteAll(set, listed, login));
}

/**
 * Who may have the set planned across its listed repositories: whoever asked
 * for the build (its record, `BuildSnapshot['ask']`), and a writer who added
 * its label since (as the refusal says, a person who can write them all adds
 * the label again). For a build started before the record, the last labeller.
 */
function askersOfSet(home: BuildSnapshot, config: Config): string[] {
  const labeller = (home.labelledBy ?? [])
    .filter((event) => isBuildLabel(config, event.label))
    .at(-1)?.login;
  return [...new Set([home.ask?.by, labeller])].filter((login) => login !== undefined);
}

/**
 * The set build's commands as the set takes them: those `setRefusal` does not
 * refuse, judged on the read the set acts on.
 */
export function setCommands(
  set: SetSnapshot,
  { config, across }: { config: Config; across: boolean },
): CommandInfo[] {
  return set.home.commands.filter((info) => setRefusal(set, info, { config, across }) === null);
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
  return !snapshot.runs.some((run) => isWorkRole(run.role));
}

/**
 * Whose write access the set must know, and where: the asker in every
 * listed repository, each command's author in the repositories it concerns
 * (a worker's command in that worker's; one of the whole set in every one the
 * plan touches), and whoever closed or reopened the issue in every repository.
 */
export function writersAsked({
  home,
  config,
  homeRepository,
}: {
  home: BuildSnapshot;
  config: Config;
  homeRepository: string;
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
  for (const asker of askersOfSet(home, config)) ask(asker, listed);
  for (const info of home.commands)
    ask(info.author, concerned(info, { plan, homeRepository, listed, touched }));
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
  }: {
    plan: Plan | null;
    homeRepository: string;
    listed: string[];
    touched: string[];
  },
): string[] {
  const { command } = info;
  const { writers } = COMMANDS[command.name];
  if (writers === 'listed') return listed;
  if (writers === 'worker' && 'worker' in command) {
    const worker = plan?.workers.find((one) => one.id === command.worker);
    return worker ? [repositoryOf(worker, homeRepository)] : [];
  }
  // Every member build takes it from those who can write its repository.
  return [homeRepository, ...touched];
}
