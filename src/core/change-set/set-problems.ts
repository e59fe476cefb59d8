import type { Config } from '../config/config.js';
import { buildTypeOf, type Plan } from '../plan/plan.js';
import { planRepositories, repositoryOf, repositoryOrder } from '../plan/set-plan.js';
import { CONFIG_FILE, WORKFLOW_PATH } from '../vocabulary/ids.js';
import type { SetRepository, SetSnapshot } from './set-snapshot.js';
import { type ViewFacts, viewsAllowed } from './views.js';

/**
 * What keeps a plan that names other repositories from running as a change
 * set, each as a sentence that says what to do: a repository not listed, not
 * installed in the same installation, not set up for Baton or with a broken
 * configuration; repositories that depend on each other in a circle; a private
 * repository whose text would reach one it does not share with; a build type
 * or a plan of sub-issues a set does not run. `across` is false when whoever
 * started the build may not write every listed repository: the plan is then
 * the issue's repository's alone.
 */
export function setProblems({
  set,
  plan,
  config,
  across,
}: {
  set: SetSnapshot;
  plan: Plan;
  config: Config;
  across: boolean;
}): string[] {
  const home = set.homeRepository;
  const listed = new Set(config.changeSets.repositories);
  const touched = planRepositories(plan, home);
  const outside = touched.filter((repo) => repo !== home);
  if (!across)
    return outside.length > 0
      ? [
          `The plan names ${names(outside)}, but this build is planned for ${home} alone: whoever asked for the build cannot write every repository of \`changeSets.repositories\`. A person who can write them all adds the label again, or \`/replan\` keeps the workers in ${home}.`,
        ]
      : [];
  const problems: string[] = [];
  for (const worker of plan.workers) {
    const repo = repositoryOf(worker, home);
    if (repo !== home && !listed.has(repo))
      problems.push(
        `${worker.id} names ${repo}, which \`changeSets.repositories\` in .github/${CONFIG_FILE} does not list; list it there, or give the worker a repository that is listed.`,
      );
  }
  for (const repo of outside.filter((name) => listed.has(name)))
    problems.push(
      ...repositoryProblems(
        set.repositories.find((one) => one.name === repo),
        repo,
      ),
    );
  const order = repositoryOrder(plan, home);
  if (!order.ok)
    problems.push(
      `The repositories depend on each other in a circle (${[...order.cycle, order.cycle[0]].join(' → ')}), so no order can land their final pull requests; move the workers so that one repository only builds on the other.`,
    );
  problems.push(...consentProblems(set, { touched, read: readByPlan(set, [...listed]) }));
  if (buildTypeOf(plan) !== 'code')
    problems.push(
      `A change set is a code build; a ${buildTypeOf(plan)} build runs in one repository: keep its workers in ${home}.`,
    );
  if (plan.workers.some((worker) => worker.sub_issue !== undefined || worker.loop !== undefined))
    problems.push(
      'A change set does not run plans of sub-issues or improvement loops; keep those workers in one repository.',
    );
  return problems;
}

/** A listed repository the set cannot run in, and why. */
function repositoryProblems(facts: SetRepository | undefined, name: string): string[] {
  if (!facts?.installed)
    return [
      `${name} is not in this app's installation: install the app on it (the same installation as this repository), or move its workers.`,
    ];
  if (!facts.workflow)
    return [
      `${name} is not set up for Baton: ${WORKFLOW_PATH} is missing on its default branch. Merge Baton's "Set up Baton" pull request there (or run \`npx @baton-dev/baton setup --repo ${name}\` where the app runs).`,
    ];
  if (facts.config && !facts.config.ok)
    return [
      `${name}'s .github/${CONFIG_FILE} has problems (${facts.config.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}); fix them on its default branch.`,
    ];
  return [];
}

/**
 * A private or internal repository's text reaches every other repository of the
 * set (the plan read it, its workers' reports go on), so it must share with each
 * (`changeSets.shareWith` in its own configuration). That holds as much for a
 * repository the plan read and gave no worker: what the plan learnt there goes
 * into its workers' titles and briefs, in every repository they work in. The
 * issue's repository consents by listing the others.
 */
function consentProblems(
  set: SetSnapshot,
  { touched, read }: { touched: string[]; read: string[] },
): string[] {
  const home = set.homeRepository;
  return [...new Set([...touched, ...read])].flatMap((repo) => {
    const facts = set.repositories.find((one) => one.name === repo);
    if (repo === home || !facts?.installed || facts.visibility === 'public') return [];
    const shares = new Set(facts.config?.ok ? facts.config.config.changeSets.shareWith : []);
    const missing = touched.filter((other) => other !== repo && !shares.has(other));
    if (missing.length === 0) return [];
    const visibility = facts.visibility ?? 'not public';
    if (touched.includes(repo))
      return [
        `${repo} is ${visibility}, and its .github/${CONFIG_FILE} does not share its text with ${names(missing)}, which this change set would show it to: add them under \`changeSets.shareWith\` there, or leave ${repo} out of the plan.`,
      ];
    return [
      `The plan session read ${repo}, which is ${visibility}: its .github/${CONFIG_FILE} shares its text with ${home}, not with ${names(missing)}, where this plan's workers would carry what the plan read (their titles and briefs). Add them under \`changeSets.shareWith\` there, plan no workers in them (\`/replan\`), or take ${repo} out of \`changeSets.repositories\` so that no plan reads it.`,
    ];
  });
}

/**
 * The listed repositories the set's plan session may have read: what its
 * views job is given, by the same rule (`viewsAllowed`), on what the set read
 * of each repository.
 */
function readByPlan(set: SetSnapshot, listed: string[]): string[] {
  const facts = set.repositories.map(
    (repo): ViewFacts => ({
      name: repo.name,
      installed: repo.installed,
      visibility: repo.visibility,
      shareWith: repo.config?.ok ? repo.config.config.changeSets.shareWith : null,
      lists: repo.config?.ok ? repo.config.config.changeSets.repositories : null,
    }),
  );
  return viewsAllowed({
    asked: { kind: 'set', repositories: listed },
    repository: set.homeRepository,
    facts,
  }).map((view) => view.repository);
}

function names(repositories: string[]): string {
  return repositories.join(', ');
}
