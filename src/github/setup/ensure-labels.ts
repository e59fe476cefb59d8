import { defaultConfig } from '../../core/config/config.js';
import { batonLabels, type LabelSpec } from '../../core/config/labels.js';
import { loadConfig } from '../../read-config.js';
import type { BuildQueue } from '../client/build-queue.js';
import type { Octokit, RepoContext } from '../client/types.js';
import { statusOf } from '../client/types.js';
import { InstallationPayload, type OnboardingLog } from './onboarding.js';

/**
 * Creates each label a repository lacks. One request per label, no read
 * first: GitHub answers 422 `already_exists` to a label that is there (names
 * compare case-insensitively), which is success, and leaves it as a person
 * set it. So a redelivery, or two replicas at once, create each label once.
 */
export async function ensureLabels(
  ctx: Pick<RepoContext, 'octokit' | 'owner' | 'repo'>,
  labels: readonly LabelSpec[],
): Promise<void> {
  for (const label of labels) {
    try {
      await ctx.octokit.rest.issues.createLabel({ owner: ctx.owner, repo: ctx.repo, ...label });
    } catch (error) {
      if (!isAlreadyThere(error)) throw error;
    }
  }
}

function isAlreadyThere(error: unknown): boolean {
  if (statusOf(error) !== 422) return false;
  const errors = (error as { response?: { data?: { errors?: { code?: string }[] } } }).response
    ?.data?.errors;
  return errors?.some((e) => e.code === 'already_exists') ?? false;
}

/**
 * `installation.created` and `installation_repositories.added`: queues the
 * creation of Baton's labels in each repository (the configured build label,
 * the default one when the config is broken, and `baton:needs-human`).
 */
export async function onInstallationLabels(
  context: { octokit: Octokit; payload: unknown; log: OnboardingLog },
  { queue }: { queue: BuildQueue },
): Promise<void> {
  const parsed = InstallationPayload.safeParse(context.payload);
  if (!parsed.success) return;
  const { repositories = [], repositories_added = [] } = parsed.data;
  for (const { full_name } of [...repositories, ...repositories_added]) {
    const [owner, repo] = full_name.split('/');
    if (!owner || !repo) continue;
    const ctx = { octokit: context.octokit, owner, repo };
    void queue.enqueue(`${full_name}#labels`, async () => {
      try {
        const config = await loadConfig(ctx.octokit, { owner, repo });
        await ensureLabels(ctx, batonLabels(config.ok ? config.config : defaultConfig()));
      } catch (error) {
        // An archived repository, or one that vanished meanwhile: the labelled issue still works.
        context.log.warn(
          { err: error, repository: full_name },
          'baton: could not create its labels; create them by hand or add the repository again',
        );
      }
    });
  }
}
