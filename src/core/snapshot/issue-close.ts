import { isBuildLabel } from '../config/build-labels.js';
import type { Config } from '../config/config.js';
import { compareTimes } from './normalize-snapshot.js';
import type { BuildSnapshot, IssueClose, IssueStateChange, RunInfo } from './snapshot.js';

/** What `closeCancels` reads: the issue's closes and reopens, and when the build began. */
export type CloseFacts = Pick<BuildSnapshot, 'issue' | 'finalPull' | 'labelledBy' | 'ask'> & {
  runs: readonly RunInfo[];
};

/** What of the configuration names the labels that start a build (absent: runs alone date its start). */
export type CloseConfig = Pick<Config, 'label' | 'types' | 'improve'>;

/**
 * Whether the build's issue was closed by someone whose close cancels the build:
 * an account that steers builds (write, maintain or admin, or Baton itself),
 * or GitHub closing it through the build's final pull request ("Closes #n").
 * On a public repository the issue's author may close it too, and may not stop
 * a writer's build; nor may a close GitHub names no one for.
 */
export function closeCancels(snapshot: CloseFacts, config?: CloseConfig): boolean {
  return cancellingClose(snapshot, config) !== null;
}

/**
 * The close that cancels the build, if one does. Of the issue's closes and
 * reopens only those of accounts that steer builds count (and GitHub's close
 * through the final pull request): the newest of them decides. So a writer's
 * close stays a cancel when someone else (triage permission, an app's or a
 * workflow's token) reopens the issue, or reopens and closes it again; only a
 * writer's reopen lifts it.
 *
 * An issue reopened by someone else before the build began (a writer closed it
 * once, say as not planned) is not cancelled by that old close: while the issue
 * is open a close counts only from when the build began, its first run (before
 * any, its build label added by a writer). A closed issue stays cancelled by a
 * writer's close whenever it was made, as before. When the history is longer
 * than Baton reads and shows no writer at all, the build is held as cancelled
 * (by no one named): a writer's reopen lifts that too.
 */
export function cancellingClose(snapshot: CloseFacts, config?: CloseConfig): IssueClose | null {
  const { issue, finalPull } = snapshot;
  const changes: IssueStateChange[] =
    issue.stateChanges ??
    (issue.state === 'closed' && issue.closed ? [{ kind: 'closed', ...issue.closed }] : []);
  const steers = (change: IssueStateChange) =>
    change.maySteer ||
    (change.kind === 'closed' && change.byPull !== null && change.byPull === finalPull?.number);
  const last = changes.filter(steers).at(-1);
  if (!last) {
    return issue.stateChangesCut ? { by: null, at: null, byPull: null, maySteer: false } : null;
  }
  if (last.kind === 'reopened') return null;
  const { kind: _kind, ...close } = last;
  if (issue.state === 'closed') return close;
  const began = buildBegan(snapshot, config);
  return began === null || close.at === null || compareTimes(close.at, began) >= 0 ? close : null;
}

/**
 * When the build began: its first run Baton dispatched, else when its ask
 * was heard (its record; for a build started before the record, the newest
 * label that starts it added by a writer: `labelledBy` keeps only theirs);
 * null when neither is in sight.
 */
function buildBegan(snapshot: CloseFacts, config?: CloseConfig): string | null {
  const first = snapshot.runs
    .filter((run) => run.byBaton !== false)
    .map((run) => run.createdAt)
    .sort(compareTimes)[0];
  if (first !== undefined) return first;
  if (snapshot.ask) return snapshot.ask.at;
  if (!config) return null;
  const starts = (label: string) =>
    isBuildLabel(config, label) ||
    (config.improve.label !== null && label === config.improve.label);
  const labelled = (snapshot.labelledBy ?? [])
    .filter((event) => starts(event.label) && event.at !== undefined)
    .map((event) => event.at as string)
    .sort(compareTimes);
  return labelled.at(-1) ?? null;
}
