import type { IssueChange } from './github-queries.js';
import type { GitHubReads } from './github-reads.js';

/** What started this plan: a writer's label on the issue, or a writer's `/replan` comment. */
export type PlanRequest =
  | { kind: 'label'; label: string }
  | { kind: 'replan'; at: string; login: string };

/** The permissions that steer builds, as the app's command checks read them. */
export const WRITERS: ReadonlySet<string> = new Set(['admin', 'maintain', 'write']);

/**
 * A plan reads the issue as it stood when a person with write access asked
 * for the plan (labelled the issue, or commented `/replan`), not as it stands
 * when the session runs: between the two, the issue's author (who may have no
 * access at all) can rewrite its title or body. A change after the request by
 * anyone without write access ends the session with a reason that says what
 * to do; a change by the requester or another writer is theirs to make.
 *
 * A build of sub-issues holds each open sub-issue's description (its
 * worker's brief) to the same request.
 *
 * GitHub keeps the time and author of the body's last edit only: an edit by
 * an outsider followed by a writer's edit is the writer's text. Returns null
 * when the issue may be read, or the reason it may not.
 */
export async function issueTextProblem(
  github: Pick<GitHubReads, 'getIssueHistory' | 'getPermission'>,
  {
    issue,
    request,
    subIssues = [],
    opened,
    app,
  }: {
    issue: number;
    request: PlanRequest;
    /** Sub-issues whose descriptions become briefs: held to the same request. */
    subIssues?: number[];
    /**
     * Who opened each sub-issue and when: an issue opened after the request by someone
     * without write access is text no writer asked for, as an edit would be.
     */
    opened?: Map<number, { login: string | null; at: string }>;
    /**
     * The app's own login (`<slug>[bot]`, the run's actor where the app dispatched it): a
     * sub-issue it opened is its own quoting of a writer's ask (a tracker epic's child,
     * docs/intake.md), no outsider's text. Its later edits by others still count.
     */
    app?: string | undefined;
  },
): Promise<string | null> {
  const history = await github.getIssueHistory(issue);
  const read = [{ issue, history }];
  for (const number of subIssues)
    read.push({ issue: number, history: await github.getIssueHistory(number) });
  const changes = [
    ...read.flatMap(({ issue: number, history: changed }) => [
      ...(changed.lastEdit ? [{ issue: number, what: 'body', ...changed.lastEdit }] : []),
      ...changed.renames.map((rename) => ({ issue: number, what: 'title', ...rename })),
    ]),
    ...[...(opened ?? [])]
      .filter(([, open]) => !(app?.endsWith('[bot]') && open.login === app))
      .map(([number, open]) => ({
        issue: number,
        what: 'opened',
        login: open.login,
        // A sub-issue GitHub gives no time for is held to the request as if opened now.
        at: open.at || new Date(8.64e15).toISOString(),
      })),
  ];
  if (changes.length === 0) return null;
  const permissions = new Map<string, Promise<string>>();
  const isWriter = async (login: string | null) => {
    if (!login) return false;
    if (!permissions.has(login)) permissions.set(login, github.getPermission(login));
    return WRITERS.has(await (permissions.get(login) as Promise<string>));
  };
  let since: IssueChange | null = request.kind === 'replan' ? request : null;
  if (request.kind === 'label') {
    const labels = history.labels.filter((event) => event.label === request.label);
    for (const event of labels.reverse()) {
      if (await isWriter(event.login)) {
        since = event;
        break;
      }
    }
    if (!since)
      return (
        `no one with write access added the "${request.label}" label to #${issue}, so there is no text a writer asked for. ` +
        'Someone with write access should read the issue and add the label again, or comment `/replan`.'
      );
  }
  const asked = since as IssueChange;
  const askedAt = Date.parse(asked.at);
  if (Number.isNaN(askedAt))
    return `GitHub did not say when the plan of #${issue} was asked for, so its text cannot be checked; comment \`/replan\` to try again.`;
  for (const change of changes) {
    if (!(Date.parse(change.at) > askedAt)) continue;
    if (change.login === asked.login || (await isWriter(change.login))) continue;
    const who = `${change.login ?? 'an unknown account'} (no write access)`;
    return (
      (change.what === 'opened'
        ? `sub-issue #${change.issue} was opened by ${who} at ${change.at}, `
        : `#${change.issue}'s ${change.what} was changed by ${who} at ${change.at}, `) +
      `after ${asked.login ?? 'a writer'} ${request.kind === 'label' ? (change.issue === issue ? 'labelled it' : `labelled #${issue}`) : 'asked for this plan'} at ${asked.at}; ` +
      'a plan reads only text that a person with write access asked for. ' +
      'Someone with write access should read the issue as it stands and comment `/replan` to plan from it.'
    );
  }
  return null;
}
