import type { HeadPusher } from '../../core/snapshot/snapshot.js';
import { remembered } from '../../process-memory.js';
import { ImmutableCache } from '../client/immutable-cache.js';
import type { RepoContext } from '../client/types.js';

/**
 * Who pushed a head, by GitHub's record of the push: the repository's activity
 * (`GET /repos/{owner}/{repo}/activity?ref=…`, "List repository activities",
 * https://docs.github.com/en/rest/repos/repos#list-repository-activities), whose
 * `actor` is the account whose credential pushed (`type` `User`, or `Bot` for an
 * app's installation token and for a workflow's `GITHUB_TOKEN`, which pushes as
 * `github-actions[bot]`). Not the head commit's author or committer: those are
 * what whoever made the commit wrote in it (a bot can write a person's name and
 * email), and GraphQL's `GitActor.user` only resolves that email. Not the pull
 * request's timeline either: it records a force push's actor
 * (`head_ref_force_pushed`) but a plain push only as its commits.
 */

/** Pushes found, by `owner/repo refs/heads/<branch>@<sha>`: who pushed a commit to a branch never changes. */
const found = remembered(new ImmutableCache<HeadPusher>(5_000));

/** How many of a branch's newest activities are looked through for the push of its head. */
const ACTIVITIES_READ = 100;

interface Activity {
  after: string;
  ref: string;
  activity_type: string;
  actor: { login: string; type?: string } | null;
}

/**
 * The push that made `sha` the head of `branch`: who made it, and whether that
 * is a person (an account of `type` `User`). `login` null: GitHub lists no push
 * of it among the branch's newest activities, so no person is known to have pushed it.
 */
export async function headPusher(
  ctx: Pick<RepoContext, 'octokit' | 'owner' | 'repo'>,
  { branch, sha }: { branch: string; sha: string },
): Promise<HeadPusher> {
  const ref = `refs/heads/${branch}`;
  const key = `${ctx.owner}/${ctx.repo} ${ref}@${sha}`;
  const known = found.peek(key);
  if (known) return known;
  const { data } = await ctx.octokit.request('GET /repos/{owner}/{repo}/activity', {
    owner: ctx.owner,
    repo: ctx.repo,
    ref,
    per_page: ACTIVITIES_READ,
  });
  const push = (data as Activity[]).find(
    (one) =>
      one.ref === ref &&
      one.after === sha &&
      ['push', 'force_push', 'branch_creation'].includes(one.activity_type),
  );
  if (!push?.actor) return { login: null, person: false };
  const pusher = { login: push.actor.login, person: push.actor.type === 'User' };
  found.set(key, pusher);
  return pusher;
}
