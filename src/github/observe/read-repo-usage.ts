import { type DatedUsage, datedUsageOf } from '../../core/snapshot/daily-spend.js';
import type { RepoContext } from '../client/types.js';
import { listMatchingRefs, recordCommits } from './hidden-records.js';

/** A usage record's name under `refs/baton/`: `<build>/usage/<run>-<attempt>`. */
const USAGE_REF = /^refs\/baton\/([^/]+\/usage\/[^/]+)$/;

/**
 * Every usage record of the repository, of every build, dated by its commit: the
 * whole listing of Baton's hidden refs (`git/matching-refs/baton/`, locks and
 * notices passed over), then each record's commit once (records never change;
 * `recordCommits` keeps them). One REST listing, plus, for the records this
 * process has not read before, one GraphQL request a hundred (REST where GraphQL
 * does not resolve them); the app keeps no tally of its own.
 */
export async function readRepoUsage(
  ctx: Pick<RepoContext, 'octokit' | 'owner' | 'repo'>,
): Promise<DatedUsage[]> {
  const refs = await listMatchingRefs(ctx, 'baton/');
  const records = refs.flatMap((ref) => {
    const name = USAGE_REF.exec(ref.ref)?.[1];
    return name ? [{ name, sha: ref.object.sha, nodeId: ref.node_id }] : [];
  });
  const found = await recordCommits(ctx, records);
  return datedUsageOf(
    records.map(({ name, sha }) => {
      const commit = found.get(sha);
      return {
        name,
        target: {
          ...(commit ? { message: commit.message } : {}),
          ...(commit?.committedAt ? { committedDate: commit.committedAt } : {}),
        },
      };
    }),
  );
}
