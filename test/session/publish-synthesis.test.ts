import { describe, expect, it } from 'vitest';
import {
  briefPath,
  integrationBranch,
  planPath,
  reportPath,
} from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import {
  renderSynthesisComment,
  renderSynthesisMarker,
} from '../../src/session/publish/write/post-synthesis.js';
import type { SessionResult } from '../../src/session/result.js';
import { BUILD, makePlan, makeResult } from './publish/fixture.js';
import { usePublishHarness } from './publish/harness.js';

const COMMENTS = '/repos/acme/app/issues/12/comments';
const INTEGRATION = integrationBranch(BUILD);
const SYNTHESIS_ENV = { BATON_ROLE: 'synthesis', BATON_WORKER: '', GITHUB_RUN_ID: '4242' };

describe('the synthesis comment', () => {
  it('shows the follow-up questions whatever HTML comment the summary opens', () => {
    // On GitHub, a lone `<!--` hides everything up to the next `-->`: the end of the run marker.
    const marker = renderSynthesisMarker('4242');
    const body = renderSynthesisComment({
      build: BUILD,
      marker,
      synthesis: {
        summary: 'Nothing more to ask.\n<!--',
        follow_up: [{ title: 'Microsoft <!-- accounts', question: 'How many <!--?' }],
        proposed: ['W2.1'],
      },
    });
    expect([...body.matchAll(/<!--/g)].map((match) => match.index)).toEqual([
      body.lastIndexOf(marker),
    ]);
    expect(body).toContain('reply `/approve` to investigate them');
  });
});

describe('publish of a synthesis session', () => {
  const h = usePublishHarness({ plan: { type: 'research' } });

  function synthesise(files: Record<string, string>, overrides: Partial<SessionResult> = {}) {
    const head = h.fixture.agentCommit({ branch: INTEGRATION, files });
    h.fixture.writeResult(
      makeResult({
        role: 'synthesis',
        worker: null,
        branch: INTEGRATION,
        base: h.fixture.base,
        head,
        synthesis: {
          summary: 'GitHub covers nine in ten users, @alice says. <!-- baton:plan -->',
          follow_up: [{ title: 'Microsoft accounts', question: 'How many users\nhave one?' }],
          proposed: [],
        },
        ...overrides,
      }),
    );
    return head;
  }

  it('pushes the report to the build branch and posts the summary on the issue once', async () => {
    h.github.routes.set(`GET ${COMMENTS}`, () => ({ status: 200, body: [] }));
    h.github.routes.set(`POST ${COMMENTS}`, () => ({ status: 201, body: { id: 900 } }));
    const head = synthesise({ [reportPath(BUILD)]: '# Report\n\nGitHub.\n' });

    expect(await h.publish(SYNTHESIS_ENV)).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(INTEGRATION)).toBe(head);
    expect(h.writes()).toEqual([`POST ${COMMENTS}`]);
    const posted = h.github.api.find((call) => call.method === 'POST');
    const body = (posted?.body as { body?: string } | undefined)?.body ?? '';
    expect(body).toContain('GitHub covers nine in ten users');
    expect(body).not.toContain('@alice');
    expect(body).not.toContain('<!-- baton:plan -->');
    expect(body).toContain(`\`${reportPath(BUILD)}\` on \`${INTEGRATION}\``);
    expect(body).toContain('- **Microsoft accounts**: How many users have one?');
    expect(body).toContain('not added to the plan as workers');
    expect(body.endsWith('<!-- baton:synthesis-run 4242 -->')).toBe(true);
  });

  it('does not post the summary twice when the run is published again', async () => {
    h.github.routes.set(`GET ${COMMENTS}`, () => ({
      status: 200,
      body: [{ id: 900, body: 'x\n<!-- baton:synthesis-run 4242 -->', user: { type: 'Bot' } }],
    }));
    synthesise({ [reportPath(BUILD)]: '# Report\n' });
    h.github.routes.set(`POST ${COMMENTS}`, () => ({ status: 502, body: {} }));

    expect(await h.publish(SYNTHESIS_ENV)).toBe(PUBLISH_EXIT.published);
    expect(h.summary()).toContain('posted already by this run');
  });

  it('refuses any file but the report, and posts nothing', async () => {
    synthesise({ [reportPath(BUILD)]: '# Report\n', 'src/app.ts': 'export const app = 3;\n' });

    expect(await h.publish(SYNTHESIS_ENV)).toBe(PUBLISH_EXIT.refused);

    expect(h.fixture.remoteSha(INTEGRATION)).toBe(h.fixture.base);
    expect(h.writes()).toEqual([]);
    expect(h.summary()).toContain(
      `src/app.ts: a synthesis session writes only the report, ${reportPath(BUILD)}`,
    );
  });

  it('refuses a complete synthesis without its summary', async () => {
    synthesise({ [reportPath(BUILD)]: '# Report\n' }, { synthesis: null });
    expect(await h.publish(SYNTHESIS_ENV)).toBe(PUBLISH_EXIT.refused);
    expect(h.summary()).toContain('a complete synthesis result needs its summary');
  });

  describe('a plan amendment with follow-up questions', () => {
    const plan = { ...makePlan(), type: 'research' };
    const followUp = { id: 'W2.1', title: 'Microsoft accounts', depends_on: [], follow_up: 1 };
    const brief =
      '---\nworker_id: W2.1\ntitle: Microsoft accounts\nwave: 2\n---\n\n## Question\n\nHow many?\n';
    const amend = (workers: unknown[], files: Record<string, string> = {}) =>
      synthesise(
        {
          [reportPath(BUILD)]: '# Report\n',
          [planPath(BUILD)]: JSON.stringify({ ...plan, workers }),
          ...files,
        },
        {
          synthesis: {
            summary: 'GitHub covers nine in ten users.',
            follow_up: [{ title: 'Microsoft accounts', question: 'How many?' }],
            proposed: ['W2.1'],
          },
        },
      );

    it('pushes a round of follow-up workers with their briefs, and names them in the summary', async () => {
      h.github.routes.set(`GET ${COMMENTS}`, () => ({ status: 200, body: [] }));
      h.github.routes.set(`POST ${COMMENTS}`, () => ({ status: 201, body: { id: 900 } }));
      const head = amend([...plan.workers, followUp], { [briefPath(BUILD, 'W2.1')]: brief });

      expect(await h.publish(SYNTHESIS_ENV)).toBe(PUBLISH_EXIT.published);

      expect(h.fixture.remoteSha(INTEGRATION)).toBe(head);
      const posted = h.github.api.find((call) => call.method === 'POST');
      const body = (posted?.body as { body?: string } | undefined)?.body ?? '';
      expect(body).toContain('each a worker in the plan (W2.1): reply `/approve`');
      expect(body).toContain('- W2.1 **Microsoft accounts**: How many?');
    });

    it.each<[string, unknown[], Record<string, string>, string]>([
      [
        'a follow-up that would write code',
        [...plan.workers, { ...followUp, outputs: ['src/app.ts'] }],
        { [briefPath(BUILD, 'W2.1')]: brief },
        'W2.1 is a follow-up question; remove "outputs" from it.',
      ],
      [
        'a rewritten finished worker',
        [{ ...plan.workers[0], title: 'Something else' }, followUp],
        { [briefPath(BUILD, 'W2.1')]: brief },
        'W1.1 is changed or moved; a synthesis leaves every planned worker as it is',
      ],
      [
        "a finished worker's brief",
        [...plan.workers, followUp],
        { [briefPath(BUILD, 'W2.1')]: brief, [briefPath(BUILD, 'W1.1')]: brief },
        'a synthesis writes briefs only for the follow-up workers it appends',
      ],
    ])('refuses %s and pushes nothing', async (_name, workers, files, problem) => {
      amend(workers, files);

      expect(await h.publish(SYNTHESIS_ENV)).toBe(PUBLISH_EXIT.refused);

      expect(h.fixture.remoteSha(INTEGRATION)).toBe(h.fixture.base);
      expect(h.writes()).toEqual([]);
      expect(h.summary()).toContain(problem);
    });
  });
});
