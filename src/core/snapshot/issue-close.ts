import type { BuildSnapshot } from './snapshot.js';

/**
 * Whether the build's issue is closed by someone whose close cancels the build:
 * an account that steers builds (write, maintain or admin, or Baton itself),
 * or GitHub closing it through the build's final pull request ("Closes #n").
 * On a public repository the issue's author may close it too, and may not stop
 * a writer's build; nor may a close GitHub names no one for.
 */
export function closeCancels(snapshot: Pick<BuildSnapshot, 'issue' | 'finalPull'>): boolean {
  const { issue, finalPull } = snapshot;
  if (issue.state !== 'closed' || !issue.closed) return false;
  const { maySteer, byPull } = issue.closed;
  return maySteer || (byPull !== null && finalPull !== null && byPull === finalPull.number);
}
