/**
 * What Baton's one comment on a tracker's issue says of the build it asked
 * for (docs/intake.md): derived from the build's status as the status comment
 * shows it (its phase, its workers' counts, its links) and nothing else. It
 * carries no text a session, an issue or a comment author wrote: no title, no
 * note, no name; only fixed words, numbers, the repository's name and GitHub's
 * addresses. Its first line is the marker Baton finds its comment by.
 */
import type { BuildProgress, ChangeSetView, StatusView } from '../status/status-view.js';

/** Where a person follows the build: its issue on GitHub. */
export interface EchoBuild {
  /** `owner/name`. */
  repository: string;
  issue: number;
  /** The issue's address. */
  url: string;
  /** Who the build was asked for as (a GitHub login, from the ask's record). */
  asker?: string;
}

/** The moments a tracker's person cares about. */
export type EchoStage =
  | 'planning'
  | 'plan-ready'
  | 'running'
  | 'waiting'
  | 'final-pull'
  | 'delivered'
  | 'stopped';

/**
 * Where the tracker's issue stands once the build was delivered: done (moved
 * there, or there already), left cancelled (Linear), or not moved and why.
 */
export type DoneMove =
  | { kind: 'done' }
  | { kind: 'cancelled' }
  | { kind: 'not-moved'; why: 'no-done-state' | 'no-done-transition' };

export type EchoTracker = 'linear' | 'jira';

const NAMES: Record<EchoTracker, string> = { linear: 'Linear', jira: 'Jira' };

const NOT_MOVED: Record<EchoTracker, string> = {
  linear: "Not moved to done: the issue's team has no workflow state of type completed.",
  jira: 'Not moved to done: Jira offers no transition to a status of the Done category from its status now.',
};

/** A repository's name as GitHub allows it. */
const REPOSITORY = /^[\w.-]{1,100}\/[\w.-]{1,100}$/;

/** An https address with no space, quote, bracket or angle bracket: nothing that reads as markup. */
const ADDRESS = /^https:\/\/[^\s"'<>`\\()[\]]{1,400}$/;

/** The first line of Baton's comment for the build of `build`'s issue: what Baton finds its comment by. */
export function echoMarker(build: Pick<EchoBuild, 'repository' | 'issue'>): string {
  const repository = REPOSITORY.test(build.repository) ? build.repository : 'a repository';
  return `Baton build: ${repository}#${Math.trunc(build.issue)}`;
}

/** The comment's lines while the build's plan is written: what the tracker's door says first. */
export function plannedEcho(build: EchoBuild): string[] {
  const url = address(build.url);
  const asker = build.asker && LOGIN.test(build.asker) ? ` as @${build.asker}` : '';
  return [
    echoMarker(build),
    `Planning: Baton asked for a build on GitHub${asker}; its plan is being written.`,
    ...(url ? [`On GitHub: ${url}`] : []),
  ];
}

/** A GitHub login as the ask's record allows it. */
const LOGIN = /^[\w.[\]-]{1,100}$/;

/** Where the build stands, in the tracker's terms. */
export function echoStage(view: StatusView): EchoStage {
  switch (view.phase) {
    case 'improving':
    case 'planning':
      return 'planning';
    case 'plan-ready':
      return 'plan-ready';
    case 'plan-failed':
    case 'plan-invalid':
    case 'config-invalid':
    case 'missing-workflow':
      return 'waiting';
    case 'done':
      return 'delivered';
    case 'cancelled':
      return 'stopped';
    case 'running': {
      const final = view.progress.finalPull;
      if (final?.state === 'open' || setLanding(view)) return 'final-pull';
      return final?.state === 'closed' || waitsForPerson(view.progress) ? 'waiting' : 'running';
    }
    default: {
      const _exhaustive: never = view;
      return _exhaustive;
    }
  }
}

/**
 * The comment's lines for the build as `view` shows it: the marker, where the
 * build stands, and where to follow it. `moved` says what became of moving the
 * tracker's issue once the build was delivered (absent before).
 */
export function trackerEchoText({
  tracker,
  build,
  view,
  moved,
}: {
  tracker: EchoTracker;
  build: EchoBuild;
  view: StatusView;
  moved?: DoneMove;
}): string[] {
  const issueUrl = address(build.url);
  const progress = 'progress' in view ? view.progress : null;
  const final = progress?.finalPull ?? null;
  const finalUrl = final ? address(final.url) : null;
  const onGitHub = (url: string | null) => (url ? [`On GitHub: ${url}`] : []);
  const lines = [echoMarker(build)];
  switch (echoStage(view)) {
    case 'planning':
      return plannedEcho(build);
    case 'plan-ready':
      lines.push("Plan ready: it waits for a writer's /approve on GitHub.", ...onGitHub(issueUrl));
      break;
    case 'running':
      lines.push(`Running: ${counts(progress)}.`, ...onGitHub(issueUrl));
      break;
    case 'waiting':
      if (final?.state === 'closed') {
        lines.push(
          `Waiting for a person: the final pull request #${final.number} was closed without merging.`,
          ...onGitHub(finalUrl ?? issueUrl),
        );
      } else lines.push(`Waiting for a person on GitHub: ${why(view)}.`, ...onGitHub(issueUrl));
      break;
    case 'final-pull':
      if (!final && view.changeSet) {
        lines.push(
          `Final pull requests open: ${setFinals(view.changeSet)}, ${counts(progress)}. Merging them, in this order, delivers the build.`,
          ...onGitHub(issueUrl),
        );
        break;
      }
      lines.push(
        `Final pull request open: #${final?.number ?? 0}, ${counts(progress)}. Merging it delivers the build.`,
        ...onGitHub(finalUrl ?? issueUrl),
      );
      break;
    case 'delivered': {
      const finals = view.changeSet ? setFinals(view.changeSet) : '';
      lines.push(
        final
          ? `Delivered: the final pull request #${final.number} was merged.`
          : finals
            ? `Delivered: the final pull requests ${finals} were merged.`
            : 'Delivered.',
        ...onGitHub(finalUrl ?? issueUrl),
      );
      if (moved?.kind === 'done') lines.push(`Done in ${NAMES[tracker]}.`);
      if (moved?.kind === 'cancelled') lines.push(`Left cancelled in ${NAMES[tracker]}.`);
      if (moved?.kind === 'not-moved') lines.push(NOT_MOVED[tracker]);
      break;
    }
    case 'stopped':
      lines.push('Stopped: the build was cancelled on GitHub.', ...onGitHub(issueUrl));
      break;
  }
  return lines;
}

/**
 * Whether a change set lands: every repository of it has its final pull
 * request, none closed unmerged, and one is still open.
 */
function setLanding(view: StatusView): boolean {
  const repositories = view.changeSet?.repositories ?? [];
  const finals = repositories.map((repository) => repository.final);
  return (
    finals.length > 0 &&
    finals.every((final) => final !== null && final.state !== 'closed') &&
    finals.some((final) => final?.state === 'open')
  );
}

/** A change set's final pull requests in the order they land (`owner/name#12`); where none, empty. */
function setFinals(set: ChangeSetView): string {
  return set.repositories
    .flatMap(({ name, final }) =>
      final && REPOSITORY.test(name) ? [`${name}#${Math.trunc(final.number)}`] : [],
    )
    .join(', ');
}

/** Whether the running build cannot go on without a person. */
function waitsForPerson(progress: BuildProgress): boolean {
  return (
    progress.paused !== null ||
    progress.budget.reached ||
    (progress.budget.daily ?? []).length > 0 ||
    (progress.waitsForPerson ?? []).length > 0 ||
    progress.workers.some((worker) => STUCK.has(worker.state))
  );
}

/** The workers' states that wait for a person's command. */
const STUCK: ReadonlySet<string> = new Set(['needs-human', 'failed', 'impossible', 'partial']);

/** Why the build waits, in fixed words. */
function why(view: StatusView): string {
  switch (view.phase) {
    case 'plan-failed':
      return "the plan's session failed";
    case 'plan-invalid':
      return 'the plan is not valid';
    case 'config-invalid':
      return "the repository's .github/baton.yml is not valid";
    case 'missing-workflow':
      return "Baton's workflow is not installed in the repository";
    case 'running': {
      const { progress } = view;
      if (progress.paused) return `paused, ${counts(progress)}`;
      if (progress.budget.reached || (progress.budget.daily ?? []).length > 0)
        return `the budget is spent, ${counts(progress)}`;
      const stuck = progress.workers.filter((worker) => STUCK.has(worker.state)).length;
      const held = (progress.waitsForPerson ?? []).length;
      return `${counts(progress)}, ${stuck + held} waiting for a person`;
    }
    default:
      return 'the build needs a person';
  }
}

function counts(progress: BuildProgress | null): string {
  if (!progress) return 'no workers yet';
  const { merged, skipped, total } = progress.totals;
  return `${merged} of ${total} workers merged${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

/** `url` where it is a plain https address, else null: nothing else is echoed. */
function address(url: string): string | null {
  return ADDRESS.test(url) ? url : null;
}
