import { describe, expect, it } from 'vitest';
import { overviewOf } from '../../src/core/overview/overview.js';
import { BuildBoard } from '../../src/page/build-board.js';
import { startRepoApp, startSetApp } from '../support/app-tests.js';
import { BUILD, DIAMOND } from '../support/builds.js';
import {
  CLIENT,
  driveSetIssue,
  LIB,
  SERVICE,
  SET_BUILD,
  setScripts,
} from '../support/change-sets.js';
import { runApprovedBuild } from '../support/scripted-sessions.js';

/**
 * The page reads no build from GitHub: it shows what the app's reconciles
 * read. These tests run the app on the simulated GitHub and look at its board.
 */
describe('the page’s board, fed by the reconciles', () => {
  it('holds a build as its last reconcile read it, with the status it rendered', async () => {
    const board = new BuildBoard();
    const { gh, app, now } = await startRepoApp({ board });
    await runApprovedBuild({
      gh,
      apps: [app],
      script: { build: BUILD, issue: 1, workers: DIAMOND, usageUsd: { work: 1, review: 0.2 } },
    });
    const [read, ...more] = board.reads();
    expect(more).toEqual([]);
    expect(read?.repository).toBe(`${gh.owner}/${gh.repo}`);
    expect(read?.snapshot.build).toBe(BUILD);
    expect(read?.snapshot.statusComment?.body).toBe('');
    const overview = overviewOf({ reads: board.reads(), access: { kind: 'all' }, now: now() });
    const row = overview.builds[0];
    expect(row?.workers.map((worker) => worker.state)).toEqual(['merged', 'merged', 'merged']);
    expect(row?.finalPull).not.toBeNull();
    expect(overview.spend.perMergedPull.merged).toBe(3);
  });

  it('holds a change set’s set build with its repositories, and each member build in its own repository', async () => {
    const board = new BuildBoard();
    const { repos, app, now } = await startSetApp({ board });
    const scripts = setScripts(repos);
    await driveSetIssue({ repos, app, scripts });
    const home = board.reads().find((read) => read.snapshot.build === SET_BUILD);
    expect(home?.view?.changeSet?.repositories.map((line) => line.name)).toEqual([
      LIB,
      SERVICE,
      CLIENT,
    ]);
    const members = board.reads().filter((read) => read.snapshot.changeSet);
    expect(members.map((read) => read.repository.toLowerCase()).sort()).toEqual(
      [CLIENT, LIB, SERVICE].sort(),
    );
    const overview = overviewOf({ reads: board.reads(), access: { kind: 'all' }, now: now() });
    expect(overview.sets.map((set) => set.repositories.length)).toEqual([3]);
    expect(overview.builds).toEqual([]);
  });
});
