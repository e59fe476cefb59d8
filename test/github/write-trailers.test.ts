import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { Config } from '../../src/core/config/config.js';
import { decide } from '../../src/core/decide/decide.js';
import type { AskRecord } from '../../src/core/snapshot/ask-record.js';
import type { BuildSnapshot, PullInfo } from '../../src/core/snapshot/snapshot.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { type ActLog, act } from '../../src/github/act/act.js';
import {
  BUILD,
  deliveredSnapshot,
  makeCommand,
  makeConfig,
  makePull,
  makeReview,
  makeSnapshot,
} from '../core/factories.js';
import { mountEachTest } from '../support/app-tests.js';
import { repoContextOn } from '../support/mount-nock.js';

const quiet: ActLog = { info: () => {}, warn: () => {}, error: () => {} };
const parsed = makeConfig();
if (!parsed.ok) throw new Error('the default config parses');
const config: Config = parsed.config;

/** A message's trailers as git reads them (`git interpret-trailers --parse`). */
function gitTrailers(message: string): string[] {
  const run = spawnSync('git', ['interpret-trailers', '--parse'], {
    input: message,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.split('\n').filter((line) => line !== '');
}

const ask = (by: string): AskRecord => ({
  by,
  how: { way: 'label', label: 'orchestrate' },
  at: '2026-03-01T10:00:00Z',
  what: { kind: 'build', type: 'code' },
});

describe('the trailers of a merge Baton makes', () => {
  let gh: FakeGitHub;
  mountEachTest((repo) => {
    gh = repo;
  });

  /** W1.1's pull request into the build branch on the simulator, and the build as the app reads it. */
  function workerPull(overrides: Partial<BuildSnapshot> = {}): {
    snapshot: BuildSnapshot;
    pull: PullInfo;
  } {
    gh.setBranch(integrationBranch(BUILD), gh.git.resolve('main') ?? '');
    gh.pushCommit({ branch: integrationBranch(BUILD), changes: { 'NOTES.md': '# shop\n' } });
    gh.setBranch(workerBranch(BUILD, 'W1.1'), gh.git.resolve(integrationBranch(BUILD)) ?? '');
    const head = gh.pushCommit({
      branch: workerBranch(BUILD, 'W1.1'),
      changes: { 'src/store.ts': 'export {};\n' },
    });
    const opened = gh.openPull({
      title: 'W1.1: Session store',
      body: '',
      head: workerBranch(BUILD, 'W1.1'),
      base: integrationBranch(BUILD),
      user: gh.botLogin,
    });
    const pull = makePull({
      number: opened.number,
      headSha: head,
      url: `https://github.com/${gh.owner}/${gh.repo}/pull/${opened.number}`,
      reviewCheck: { sha: head, verdict: 'approve' },
      reviews: [makeReview({ author: 'dana', byBaton: false, commitSha: head })],
    });
    const snapshot = makeSnapshot({
      repo: { owner: gh.owner, name: gh.repo, defaultBranch: 'main', defaultSha: 'd'.repeat(40) },
      issue: {
        ...makeSnapshot().issue,
        url: `https://github.com/${gh.owner}/${gh.repo}/issues/12`,
      },
      ask: ask('alice'),
      statusComment: { id: 77, body: '' },
      pulls: [pull],
      commands: [
        makeCommand({ name: 'approve' }, { author: 'bob' }),
        makeCommand({ name: 'merge', worker: 'W1.1' }, { author: 'carol', commentId: 901 }),
      ],
      ...overrides,
    });
    return { snapshot, pull };
  }

  async function merge(
    snapshot: BuildSnapshot,
    pull: PullInfo,
    method: Config['merge']['method'] = 'squash',
  ): Promise<string> {
    const [outcome] = await act(repoContextOn(gh), {
      snapshot,
      actions: [
        { kind: 'merge-pull', pull: pull.number, worker: 'W1.1', sha: pull.headSha, method },
      ],
      log: quiet,
      config,
    });
    expect(outcome?.result).toBe('done');
    const merged = gh.git.objects.get(outcome?.merged ?? '');
    if (merged?.type !== 'commit') throw new Error('no merge commit');
    return merged.message;
  }

  it('says the build, the worker, who asked, who approved, the evidence and the policy, as git reads them', async () => {
    const { snapshot, pull } = workerPull();
    const message = await merge(snapshot, pull);
    expect(message.split('\n')[0]).toBe(`W1.1: Session store (#${pull.number})`);
    const repo = `${gh.owner}/${gh.repo}`;
    expect(gitTrailers(message)).toEqual([
      `Baton-Build: ${BUILD} https://github.com/${repo}/issues/12#issuecomment-77`,
      'Baton-Worker: W1.1',
      'Asked-by: alice',
      'Approved-by: bob',
      'Approved-by: carol',
      'Approved-by: dana',
      `Baton-Evidence: pull ${pull.url}`,
      `Baton-Evidence: baton/review approve at ${pull.headSha}`,
      `Baton-Evidence: checks success at ${pull.headSha}`,
      'Baton-Evidence: risk none (evidence none)',
      `Baton-Policy: ${repo}@${'d'.repeat(40)}`,
    ]);
  });

  it('carries no trailer a login smuggles in: a line break or a colon in a recorded name is left out', async () => {
    const { snapshot, pull } = workerPull({
      ask: { ...ask('alice'), by: 'eve\nAsked-by: mallory' },
      commands: [
        makeCommand({ name: 'approve' }, { author: 'bob\nApproved-by: mallory' }),
        makeCommand({ name: 'merge', worker: 'W1.1' }, { author: 'carol: admin', commentId: 901 }),
      ],
    });
    const trailers = gitTrailers(await merge(snapshot, pull));
    expect(trailers.filter((line) => /mallory|eve|admin/.test(line))).toEqual([]);
    expect(trailers.filter((line) => line.startsWith('Asked-by'))).toEqual([]);
    expect(trailers.filter((line) => line.startsWith('Approved-by'))).toEqual([
      'Approved-by: dana',
    ]);
  });

  it("closes the merge of a moved default branch with the build's trailers", async () => {
    const { snapshot } = workerPull();
    const defaultSha = gh.pushCommit({ branch: 'main', changes: { LICENSE: 'MIT\n' } });
    const moved = { ...snapshot, repo: { ...snapshot.repo, defaultSha } };
    const [outcome] = await act(repoContextOn(gh), {
      snapshot: moved,
      actions: [{ kind: 'sync-build-branch' }],
      log: quiet,
    });
    expect(outcome?.result).toBe('done');
    const head = gh.git.objects.get(gh.git.resolve(integrationBranch(BUILD)) ?? '');
    if (head?.type !== 'commit') throw new Error('no merge commit');
    const repo = `${gh.owner}/${gh.repo}`;
    expect(gitTrailers(head.message)).toEqual([
      `Baton-Build: ${BUILD} https://github.com/${repo}/issues/12#issuecomment-77`,
      'Asked-by: alice',
      `Baton-Policy: ${repo}@${defaultSha}`,
    ]);
  });

  it('sends no message with a rebase, which makes no commit of its own', async () => {
    const { snapshot, pull } = workerPull();
    const message = await merge(snapshot, pull, 'rebase');
    expect(gitTrailers(message)).toEqual([]);
    const sent = gh.log.find((entry) => entry.method === 'PUT' && entry.path.endsWith('/merge'));
    expect(sent?.body).not.toHaveProperty('commit_message');
  });
});

describe("the final pull request's trailers", () => {
  it("list each merged worker's, as git reads them", () => {
    const snapshot = deliveredSnapshot({
      ask: ask('alice'),
      statusComment: { id: 77, body: '' },
    });
    const open = decide({ snapshot, config: parsed, now: '2026-03-01T12:00:00Z' }).find(
      (action) => action.kind === 'open-final-pull',
    );
    if (open?.kind !== 'open-final-pull') throw new Error('no final pull request');
    const blocks = [...open.body.matchAll(/\*\*(W\d\.\d)\*\*\n\n```text\n([^`]*)```/g)];
    expect(blocks.map((block) => block[1])).toEqual(snapshot.pulls.map((pull) => pull.worker));
    for (const [, worker, lines] of blocks) {
      expect(gitTrailers(`Title\n\n${lines}`)).toEqual(
        expect.arrayContaining([
          `Baton-Build: ${BUILD} https://github.com/acme/shop/issues/12#issuecomment-77`,
          `Baton-Worker: ${worker}`,
          'Asked-by: alice',
          `Baton-Policy: acme/shop@${snapshot.repo.defaultSha}`,
        ]),
      );
    }
  });
});
