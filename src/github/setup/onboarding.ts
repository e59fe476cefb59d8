import { z } from 'zod';
import type { BuildQueue } from '../client/build-queue.js';
import { withReason } from '../client/request-reason.js';
import type { Octokit, RepoContext } from '../client/types.js';
import { ensureSetupPull, type SetupPullLink } from './ensure-setup-pull.js';
import { loadSetupTemplates, type SetupTemplates } from './setup-templates.js';
import { findBatonSource } from './source-ref.js';

export interface OnboardingLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Finds (or opens) the setup pull request of a repository whose workflow is missing. */
export type SetupPullHook = (
  ctx: RepoContext,
  defaultBranch: string,
  /** When a person last added the build label: after a "no", that asks again. */
  labelledAt?: string | null,
  /** The reconcile's logger (its lines carry the delivery and the build); default the app's. */
  reconcileLog?: Pick<OnboardingLog, 'warn'>,
) => Promise<SetupPullLink | null>;

/**
 * What onboarding installs, loaded once at start; null (with one log line
 * that says which variables to set) when the CLI source is unknown.
 */
export function startOnboarding(
  env: Record<string, string | undefined>,
  log: OnboardingLog,
): SetupTemplates | null {
  const found = findBatonSource(env);
  if (!found.ok) {
    log.warn({}, `baton: ${found.reason}`);
    return null;
  }
  try {
    const templates = loadSetupTemplates(found.source);
    log.info({ source: found.source }, 'baton: onboarding pins the session workflow');
    return templates;
  } catch (error) {
    log.error({ err: error }, 'baton: onboarding is off: the templates could not be loaded');
    return null;
  }
}

/**
 * For the reconciler, when a build's workflow is missing (its requests counted
 * as onboarding's, 'setup'). A failure here must
 * not keep the status comment from saying what is missing, so it is logged
 * and the status goes without the link.
 */
export function setupPullHook(templates: SetupTemplates, log: OnboardingLog): SetupPullHook {
  return async (ctx, defaultBranch, labelledAt = null, reconcileLog = log) => {
    try {
      return await withReason('setup', () =>
        ensureSetupPull(ctx, { defaultBranch, templates, labelledAt }),
      );
    } catch (error) {
      reconcileLog.warn(
        { err: error, repository: `${ctx.owner}/${ctx.repo}` },
        'baton: could not open the setup pull request; the next event tries again',
      );
      return null;
    }
  };
}

const Repositories = z.array(z.object({ full_name: z.string() }));

/** The repositories an installation event gives the app: all of them on creation, the new ones on addition. */
export const InstallationPayload = z.object({
  repositories: Repositories.optional(),
  repositories_added: Repositories.optional(),
});

/**
 * `installation.created` and `installation_repositories.added`: queues one
 * setup pass per repository (the handler only queues; the webhook is answered first).
 */
export async function onInstallation(
  context: { octokit: Octokit; payload: unknown; log: OnboardingLog },
  {
    queue,
    botLogin,
    templates,
  }: { queue: BuildQueue; botLogin: () => Promise<string>; templates: SetupTemplates },
): Promise<void> {
  const parsed = InstallationPayload.safeParse(context.payload);
  if (!parsed.success) return;
  const { repositories = [], repositories_added = [] } = parsed.data;
  const login = await botLogin();
  for (const { full_name } of [...repositories, ...repositories_added]) {
    const [owner, repo] = full_name.split('/');
    if (!owner || !repo) continue;
    const ctx: RepoContext = { octokit: context.octokit, owner, repo, botLogin: login };
    // Installing the app, or adding the repository, is how a person asks again after a "no".
    scheduleSetup(ctx, { queue, templates, log: context.log, askedAgain: true });
  }
}

/**
 * Queues one setup pass for a repository; passes for the same repository
 * coalesce. A pass that asks again has a key of its own, so a waiting pass
 * that does not (the resync's) never stands in for it.
 */
export function scheduleSetup(
  ctx: RepoContext,
  {
    queue,
    templates,
    log,
    askedAgain = false,
  }: { queue: BuildQueue; templates: SetupTemplates; log: OnboardingLog; askedAgain?: boolean },
): void {
  const key = `${ctx.owner}/${ctx.repo}#setup${askedAgain ? '-asked' : ''}`;
  void queue.enqueue(key, () =>
    withReason('setup', () => setUpRepository(ctx, { templates, log, askedAgain })),
  );
}

async function setUpRepository(
  ctx: RepoContext,
  {
    templates,
    log,
    askedAgain,
  }: { templates: SetupTemplates; log: OnboardingLog; askedAgain: boolean },
): Promise<void> {
  const repository = `${ctx.owner}/${ctx.repo}`;
  const { data } = await ctx.octokit.rest.repos.get({ owner: ctx.owner, repo: ctx.repo });
  if (data.archived) return; // Read-only: nothing could be opened there.
  const pull = await ensureSetupPull(ctx, {
    defaultBranch: data.default_branch,
    templates,
    askedAgain,
  });
  log.info(
    { repository, pull: pull?.url ?? null },
    pull ? 'baton: setup pull request open' : 'baton: nothing to set up',
  );
}
