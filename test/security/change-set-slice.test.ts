import { rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { briefPath } from '../../src/core/vocabulary/ids.js';
import {
  BUILD,
  gitIn,
  makeRepo,
  makeTempDir,
  removeTempDirs,
  runSession,
} from '../session/agent-fixtures.js';
import { homeFiles, MEMBER, viewsDir } from '../session/views-fixtures.js';

/**
 * A member's slice session copies files of another repository's build branch
 * (docs/change-sets.md): a link there must not carry a file of the runner
 * into the member's commit.
 */
afterEach(removeTempDirs);

describe('a member’s slice session, attacked', () => {
  it('copies nothing through a link in the fetched copy', async () => {
    const views = await viewsDir([
      { repository: 'octo/hub', ref: `baton/${BUILD}/integration`, files: homeFiles() },
    ]);
    const secret = path.join(await makeTempDir('baton-runner-'), 'secret');
    await writeFile(secret, 'RUNNER-SECRET\n');
    const brief = path.join(views, 'octo/hub', briefPath(BUILD, 'W1.1'));
    await rm(brief);
    await symlink(secret, brief);
    const { root } = await makeRepo({ branch: `baton/${MEMBER}/integration` });
    const run = await runSession({
      root,
      env: { BATON_ROLE: 'plan', BATON_BUILD: MEMBER, BATON_VIEWS: views },
    });

    expect(run.result).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('brief of W1.1 is missing'),
    });
    expect(gitIn(root, 'log', '--format=%s')).not.toContain('Plan');
  });
});
