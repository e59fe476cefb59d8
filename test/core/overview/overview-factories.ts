import type { ParsedConfig } from '../../../src/core/config/config.js';
import type { Access, BuildRead, Permission } from '../../../src/core/overview/build-read.js';
import { statusViewOf } from '../../../src/core/overview/status-view-of.js';
import type { BuildSnapshot } from '../../../src/core/snapshot/snapshot.js';
import { make, NOW } from '../factories.js';

/**
 * A build as the app last read it: `snapshot` in `repository` (its issue and
 * URLs moved there), with the status `decide` renders for it, read at NOW.
 */
export function readOf({
  repository = 'acme/shop',
  installationId = 1,
  snapshot = make.snapshot(),
  config = make.config(),
}: {
  repository?: string;
  installationId?: number | null;
  snapshot?: BuildSnapshot;
  config?: ParsedConfig;
} = {}): BuildRead {
  const [owner = '', name = ''] = repository.split('/');
  const moved: BuildSnapshot = {
    ...snapshot,
    repo: { ...snapshot.repo, owner, name },
    issue: {
      ...snapshot.issue,
      url: `https://github.com/${repository}/issues/${snapshot.issue.number}`,
    },
  };
  return {
    repository,
    installationId,
    snapshot: moved,
    config: config.ok ? config.config : null,
    view: statusViewOf({ snapshot: moved, config, now: NOW }),
    readAt: NOW,
  };
}

/** A signed-in person who may read (or write) the repositories given, all of installation 1. */
export function viewer(login: string, repositories: Record<string, Permission>): Access {
  return {
    kind: 'viewer',
    login,
    repositories: new Map(
      Object.entries(repositories).map(([name, permission]) => [
        name.toLowerCase(),
        { installationId: 1, permission },
      ]),
    ),
  };
}
