import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { briefPath, planPath } from '../../src/core/vocabulary/ids.js';
import { VIEWS_MANIFEST } from '../../src/session/views/run-views.js';
import { BUILD, briefFile, makeTempDir, writeFiles } from './agent-fixtures.js';

/** A member build of the set BUILD of octo/hub, in octo/demo (the fixtures' repository). */
export const MEMBER = `${BUILD}.octo.hub`;

/** What the views job leaves: each repository's files at its folder, and the manifest. */
export async function viewsDir(
  views: { repository: string; ref: string | null; files: Record<string, string> }[],
): Promise<string> {
  const dir = await makeTempDir('baton-views-');
  for (const view of views) await writeFiles(path.join(dir, view.repository), view.files);
  const manifest = views.map(({ repository, ref }) => ({ repository, ref, path: repository }));
  await writeFile(path.join(dir, VIEWS_MANIFEST), JSON.stringify(manifest));
  return dir;
}

/** The set's build branch on octo/hub as its views job fetched it: W1.1 in octo/demo, W1.2 in octo/lib. */
export function homeFiles(): Record<string, string> {
  const plan = {
    version: 1,
    build: BUILD,
    issue: 12,
    title: 'Rename fetch',
    summary: 'Across.',
    workers: [
      { id: 'W1.1', title: 'Demo', repository: 'octo/demo' },
      { id: 'W1.2', title: 'Lib', repository: 'octo/lib' },
    ],
  };
  return {
    [planPath(BUILD)]: JSON.stringify(plan),
    [briefPath(BUILD, 'W1.1')]: briefFile({ sentinel: 'DEMO-BRIEF' }),
    [briefPath(BUILD, 'W1.2')]: briefFile({ worker: 'W1.2', sentinel: 'LIB-BRIEF' }),
  };
}
