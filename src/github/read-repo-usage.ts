import { type DatedUsage, datedUsageOf } from '../core/daily-spend.js';
import { listMatchingRefs, recordCommit } from './hidden-records.js';
import type { RepoContext } from './types.js';

/** A usage record's name under `refs/baton/`: `<build>/usage/<run>-<attempt>`. */
const USAGE_REF = /^refs\/baton\/([^/]+\/usage\/[^/]+)$/;

/** Record commits read at once: a first read of a long history is not a burst of hundreds. */
const READS_AT_ONCE = 8;

/**
 * Every usage record of the repository, of every build, dated by its commit: the
 * whole listing of Baton's hidden refs (`git/matching-refs/baton/`, locks and
 * notices passed over), then each record's commit once (records never change;
 * `recordCommit` keeps them). One REST listing, plus one read per record this
 * process has not read before; the app keeps no tally of its own.
 */
export async function readRepoUsage(
  ctx: Pick<RepoContext, 'octokit' | 'owner' | 'repo'>,
): Promise<DatedUsage[]> {
  const refs = await listMatchingRefs(ctx, 'baton/');
  const records = refs.flatMap((ref) => {
    const name = USAGE_REF.exec(ref.ref)?.[1];
    return name ? [{ name, sha: ref.object.sha }] : [];
  });
  const nodes: { name: string; target: { message?: string; committedDate?: string } }[] = [];
  for (let i = 0; i < records.length; i += READS_AT_ONCE) {
    const batch = records.slice(i, i + READS_AT_ONCE);
    nodes.push(
      ...(await Promise.all(
        batch.map(async ({ name, sha }) => {
          const commit = await recordCommit(ctx, sha);
          return {
            name,
            target: {
              message: commit.message,
              ...(commit.committedAt ? { committedDate: commit.committedAt } : {}),
            },
          };
        }),
      )),
    );
  }
  return datedUsageOf(nodes);
}
