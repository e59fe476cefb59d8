import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { AskRecord } from '../../src/core/snapshot/ask-record.js';
import { buildIdFor, integrationBranch } from '../../src/core/vocabulary/ids.js';
import {
  type AskAnswer,
  askForBuild,
  type BuildAsk,
  type StartBuild,
} from '../../src/github/reconcile/doors/ask-for-build.js';
import type { BuildRef } from '../../src/github/reconcile/queue/locate-build.js';
import { mountEachTest } from '../support/app-tests.js';
import { repoContextOn } from '../support/mount-nock.js';

/** The seam every way of asking for a build goes through, alone: what it starts, and what it refuses. */
describe('asking for a build (askForBuild)', () => {
  let gh: FakeGitHub;
  mountEachTest((repo) => {
    gh = repo;
    gh.permissions.set('maintainer', 'write');
    gh.permissions.set('reader', 'read');
  });

  /** Asks as a way would, with a start that records the builds it is handed. */
  async function ask(fields: Partial<BuildAsk> & { issue: BuildAsk['issue'] }): Promise<{
    answer: AskAnswer;
    started: { ref: BuildRef; answer: unknown }[];
    records: AskRecord[];
  }> {
    const started: { ref: BuildRef; answer: unknown }[] = [];
    const records: AskRecord[] = [];
    const start: StartBuild = (ref, { answer, record }) => {
      started.push({ ref, answer });
      records.push(record);
    };
    const answer = await askForBuild(
      repoContextOn(gh),
      {
        asker: 'maintainer',
        what: { kind: 'build', type: 'code' },
        how: { way: 'label', label: 'orchestrate' },
        at: '2026-01-01T00:00:00Z',
        ...fields,
      },
      start,
    );
    return { answer, started, records };
  }

  it('starts a new build of the issue for a writer, named from its title', async () => {
    const number = gh.openIssue({ title: 'Add OAuth login' });
    const { answer, started } = await ask({ issue: { number, title: 'Add OAuth login' } });
    const ref = { build: buildIdFor(number, 'Add OAuth login'), issue: number };
    expect(answer).toEqual({ result: 'started', ref });
    expect(started).toEqual([{ ref, answer: undefined }]);
  });

  it('refuses someone without write access, says so as the way asks, and starts nothing', async () => {
    const number = gh.openIssue({ title: 'Add OAuth login' });
    const refusal = { key: 'label-refused-reader', body: '@reader needs write access.' };
    const { answer, started } = await ask({
      asker: 'reader',
      issue: { number, title: 'Add OAuth login' },
      refusal,
    });
    expect(answer).toEqual({ result: 'refused', why: 'no-write-access' });
    expect(started).toEqual([]);
    expect(gh.comments.map((comment) => comment.body)).toEqual([
      expect.stringContaining('@reader needs write access.'),
    ]);
  });

  it('refuses in silence where the way says nothing (an outsider’s /improve)', async () => {
    const number = gh.openIssue({ title: 'Add OAuth login' });
    const { answer, started } = await ask({
      asker: 'reader',
      issue: { number, title: 'Add OAuth login' },
      what: { kind: 'improve' },
      found: null,
    });
    expect(answer).toEqual({ result: 'refused', why: 'no-write-access' });
    expect(started).toEqual([]);
    expect(gh.comments).toEqual([]);
  });

  it('starts no second build where one runs: the running one is looked at again', async () => {
    const number = gh.openIssue({ title: 'Add OAuth login' });
    // The build was named from the issue's first title; the issue was renamed since.
    const running = buildIdFor(number, 'Add login');
    gh.git.refs.set(
      `refs/heads/${integrationBranch(running)}`,
      gh.git.resolve(gh.defaultBranch) ?? '',
    );
    const { answer, started } = await ask({ issue: { number, title: 'Add OAuth login' } });
    const ref = { build: running, issue: number };
    expect(answer).toEqual({ result: 'running', ref });
    expect(started).toEqual([{ ref, answer: undefined }]);
  });

  it('starts nothing when another process took the ask (a comment’s 👀 went to another replica)', async () => {
    const number = gh.openIssue({ title: 'Add OAuth login' });
    const { answer, started } = await ask({
      issue: { number, title: 'Add OAuth login' },
      found: null,
      take: async () => null,
    });
    expect(answer).toEqual({ result: 'taken-elsewhere' });
    expect(started).toEqual([]);
  });

  it('hands the reconcile what the way took with the ask (a comment’s commands)', async () => {
    const number = gh.openIssue({ title: 'Add OAuth login' });
    const taken = { commentId: 7, number, commands: [] };
    const { started } = await ask({
      issue: { number, title: 'Add OAuth login' },
      what: { kind: 'improve' },
      found: null,
      take: async () => ({ answer: taken }),
    });
    expect(started.map((one) => one.answer)).toEqual([taken]);
  });

  it('hands the start the record of the ask its status comment will keep: who, how, when, what', async () => {
    const number = gh.openIssue({ title: 'Add OAuth login' });
    const { records } = await ask({
      issue: { number, title: 'Add OAuth login' },
      what: { kind: 'improve' },
      how: { way: 'command', comment: 7 },
      at: '2026-01-02T03:04:05Z',
      found: null,
      take: async () => ({}),
    });
    expect(records).toEqual([
      {
        by: 'maintainer',
        how: { way: 'command', comment: 7 },
        at: '2026-01-02T03:04:05Z',
        what: { kind: 'improve' },
      },
    ]);
  });

  it('checks permission before it takes the ask: an outsider’s comment gets no 👀', async () => {
    const number = gh.openIssue({ title: 'Add OAuth login' });
    let took = false;
    await ask({
      asker: 'reader',
      issue: { number, title: 'Add OAuth login' },
      found: null,
      take: async () => {
        took = true;
        return {};
      },
    });
    expect(took).toBe(false);
  });
});
