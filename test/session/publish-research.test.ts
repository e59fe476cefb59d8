import { describe, expect, it } from 'vitest';
import { integrationBranch, workerFindingsPath } from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { BUILD, makeCompletion, WORKER, workSession } from './publish/fixture.js';
import { PULLS, usePublishHarness } from './publish/harness.js';
import { WORKER_BRANCH, WORKER_COMPLETION } from './publish/worker-paths.js';

const FINDINGS = workerFindingsPath(BUILD, WORKER);

const findings = `---
worker_id: ${WORKER}
question: Which login providers do our users have?
confidence: high
sources:
  - url: https://example.com/survey-2026
    read: 2026-11-20
---
GitHub for nine in ten of them.
`;

const commit = workSession;

describe('publish in a research build', () => {
  const h = usePublishHarness({
    plan: { type: 'research', workers: [{ id: WORKER, title: 'Which providers' }] },
  });

  it('opens the worker PR for findings and a completion', async () => {
    const head = commit(h.fixture, {
      [FINDINGS]: findings,
      [WORKER_COMPLETION]: JSON.stringify(makeCompletion()),
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(head);
    expect(h.writes()).toEqual([`POST ${PULLS}`]);
  });

  it("refuses a research worker's code change and pushes nothing", async () => {
    commit(h.fixture, {
      [FINDINGS]: findings,
      'src/app.ts': 'export const app = 2;\n',
      [WORKER_COMPLETION]: JSON.stringify(makeCompletion()),
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(h.fixture.base);
    expect(h.fixture.remoteSha(integrationBranch(BUILD))).toBe(h.fixture.base);
    expect(h.writes()).toEqual([]);
    expect(h.summary()).toContain('src/app.ts: a research worker writes only its findings');
  });

  it('refuses findings without sources', async () => {
    commit(h.fixture, {
      [FINDINGS]: findings.replace(/sources:\n {2}- .*\n {4}.*\n/, 'sources: []\n'),
      [WORKER_COMPLETION]: JSON.stringify(makeCompletion()),
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
    expect(h.summary()).toContain(`${FINDINGS}: the findings' front matter sources`);
  });

  it('refuses a complete research worker that wrote no findings', async () => {
    commit(h.fixture, { [WORKER_COMPLETION]: JSON.stringify(makeCompletion()) });

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
    expect(h.summary()).toContain(`delivers its findings in ${FINDINGS}`);
  });
});

describe('publish in a content build', () => {
  const h = usePublishHarness({
    plan: {
      type: 'content',
      workers: [{ id: WORKER, title: 'The guide', outputs: ['docs/guide.md'] }],
    },
  });

  it('accepts the declared output and refuses any other file', async () => {
    commit(h.fixture, {
      'docs/guide.md': '# Guide\n',
      'docs/extra.md': '# Not planned\n',
      [WORKER_COMPLETION]: JSON.stringify(makeCompletion()),
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
    expect(h.summary()).toContain(`docs/extra.md is not one of ${WORKER}'s outputs in the plan`);
    expect(h.summary()).not.toContain('docs/guide.md is not');
  });

  it('opens the worker PR for its declared output', async () => {
    const head = commit(h.fixture, {
      'docs/guide.md': '# Guide\n',
      [WORKER_COMPLETION]: JSON.stringify(makeCompletion()),
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(head);
  });
});
