/**
 * Pull requests for the pull-label door's tests (docs/intake.md, "A labelled
 * pull request"): a branch of the repository with one commit and its open
 * pull request, or a fork's, and the webhook of the build label given to one.
 */
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimPull } from '../../sim/github/records.js';

/** `.github/baton.yml` with the door on. */
export const PULL_LABEL_ON = 'events:\n  pullLabel: true\n';

/** A branch of this repository from the default branch with one commit, and a pull request of it; `fork`: a fork's, of that name. */
export function branchPull(
  gh: FakeGitHub,
  {
    branch = 'release/2.0',
    title = 'Add OAuth login',
    user = 'maintainer',
    fork,
  }: { branch?: string; title?: string; user?: string; fork?: string } = {},
): SimPull {
  gh.git.commitOn(branch, { 'src/release.ts': 'export const v = 2;\n' }, 'Start 2.0');
  return gh.openPull({
    title,
    body: 'Add the changelog page for 2.0.',
    head: branch,
    base: gh.defaultBranch,
    user,
    ...(fork ? { fork: { fullName: fork, sha: gh.git.resolve(branch) ?? '' } } : {}),
  });
}

/** The `pull_request` webhook of the build label `by` gave `pull`, taken from the outbox. */
export function pullLabelEvent(
  gh: FakeGitHub,
  pull: SimPull,
  by = 'maintainer',
): { name: string; payload: Record<string, unknown> } {
  gh.outbox.splice(0);
  gh.events.pullLabeled(pull, 'orchestrate', by);
  const [event] = gh.outbox.splice(0);
  if (!event) throw new Error('no pull_request event');
  return event;
}
