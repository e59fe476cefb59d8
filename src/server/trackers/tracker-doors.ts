/**
 * The tracker doors wired to the app (docs/intake.md): the endpoints' handler,
 * the home repository reached as the app's installation on it, deliveries
 * claimed once in the store replicas share, and the door that asks for a build.
 */
import type { Probot } from 'probot';
import { BoundedMap } from '../../github/client/bounded-map.js';
import type { RepoContext } from '../../github/client/types.js';
import { startWithoutDelivery } from '../../github/reconcile/doors/ask-for-build.js';
import { onTrackerIssue } from '../../github/reconcile/doors/on-tracker-issue.js';
import type { HandlerDeps } from '../../github/reconcile/queue/handler-deps.js';
import type { BatonStore } from '../../github/store/store.js';
import type { Handler } from '../session-token.js';
import { createTrackerHandler } from './tracker-endpoint.js';
import { replierFor, trackerApiFor } from './tracker-replies.js';
import type { TrackerSettings } from './tracker-settings.js';

/** How many tracker delivery ids one process remembers without a shared store. */
const REMEMBERED = 10_000;

/** The trackers' endpoints for `settings`; null where no tracker is set up. */
export function trackerDoors(
  app: Probot,
  {
    settings,
    deps,
    store,
    fetcher = fetch,
  }: {
    settings: TrackerSettings;
    deps: HandlerDeps;
    store: BatonStore | undefined;
    fetcher?: typeof fetch;
  },
): Handler | null {
  const { home } = settings;
  if (!home || !(settings.linear || settings.jira)) return null;
  return createTrackerHandler({
    settings,
    claim: claimsOf(store),
    now: () => Date.parse(deps.now()),
    reply: (tracker) => replierFor(settings, tracker, fetcher),
    log: app.log,
    door: async (issue, say) => {
      const ctx = await homeContext(app, home, await deps.botLogin());
      const { data: repo } = await ctx.octokit.rest.repos.get({ owner: ctx.owner, repo: ctx.repo });
      const api = trackerApiFor(settings, issue.tracker, fetcher);
      return onTrackerIssue(issue, {
        ...(api
          ? {
              children: () =>
                api.children(issue.key).catch((err: unknown) => {
                  app.log.warn(
                    { err, tracker: issue.tracker, key: issue.key },
                    "baton: could not read a tracker issue's children",
                  );
                  return null;
                }),
            }
          : {}),
        home: { ctx, defaultBranch: repo.default_branch },
        say,
        now: deps.now,
        start: (target, defaultBranch) =>
          startWithoutDelivery(target, {
            defaultBranch,
            deps,
            log: app.log,
            said: 'baton: a tracker asks for a build',
          }),
      });
    },
  });
}

/** The home repository as the app's installation on it. */
async function homeContext(
  app: Probot,
  home: { owner: string; repo: string },
  botLogin: string,
): Promise<RepoContext> {
  const appOctokit = await app.auth();
  const { data: installation } = await appOctokit.rest.apps.getRepoInstallation(home);
  const octokit = await app.auth(installation.id);
  return { octokit, ...home, botLogin, installationId: installation.id };
}

/**
 * Whether a tracker's delivery id is new: in Redis, the store every replica
 * shares (`claimDelivery`, kept a day); in one process, this process's memory.
 */
function claimsOf(store: BatonStore | undefined): (id: string) => Promise<boolean> {
  if (store?.kind === 'redis') return (id) => store.claimDelivery(`tracker:${id}`);
  const seen = new BoundedMap<true>(REMEMBERED);
  return async (id) => {
    if (seen.has(id)) return false;
    seen.set(id, true);
    return true;
  };
}
