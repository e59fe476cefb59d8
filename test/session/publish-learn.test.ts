import { describe, expect, it } from 'vitest';
import { type Lesson, renderLesson } from '../../src/core/memory/lesson.js';
import { memoryBranch } from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { memoryPullTitle } from '../../src/session/publish/write/memory-pull.js';
import type { SessionResult } from '../../src/session/result.js';
import { BUILD, makeResult } from './publish/fixture.js';
import { type Harness, PULLS, usePublishHarness } from './publish/harness.js';

const BRANCH = memoryBranch(BUILD);
const LEARN_ENV = { BATON_ROLE: 'learn', BATON_WORKER: '', BATON_ISSUE: '12' };
const LESSON_FILE = '.baton/memory/log-through-pino.md';

function lesson(commit: string): Lesson {
  return {
    slug: 'log-through-pino',
    rule: 'Log through src/log.ts, never console.log.',
    why: 'A reviewer asked for it on W1.1 of build 12.',
    citations: [{ path: 'src/app.ts', line: 1, commit, text: 'export const app = 1;' }],
    evidence: ['https://github.com/acme/app/pull/5#discussion_r101'],
    created: '2026-11-27',
    build: '12',
    status: 'active',
    uses: 0,
    body: '',
  };
}

/** What a learn session leaves for publish: its head (null when it proposed no lesson). */
function learnResult(
  h: Harness,
  head: string | null,
  overrides: Partial<SessionResult> = {},
): void {
  h.fixture.writeResult(
    makeResult({
      role: 'learn',
      worker: null,
      branch: BRANCH,
      base: h.fixture.base,
      head,
      completion: null,
      ...overrides,
    }),
  );
}

describe('publish of a learn session', () => {
  const h = usePublishHarness();

  function learn(files: Record<string, string | null>, overrides: Partial<SessionResult> = {}) {
    const head = h.fixture.agentCommit({ branch: BRANCH, from: h.fixture.base, files });
    learnResult(h, head, overrides);
    return head;
  }

  function opened() {
    h.github.routes.set('GET /repos/acme/app', () => ({
      status: 200,
      body: { default_branch: 'main' },
    }));
    h.github.routes.set(`POST ${PULLS}`, () => ({
      status: 201,
      body: { number: 31, html_url: 'https://github.example/acme/app/pull/31' },
    }));
  }

  it('pushes the lessons to the build’s memory branch and opens one pull request into the default branch', async () => {
    opened();
    const head = learn({ [LESSON_FILE]: renderLesson(lesson(h.fixture.base)) });

    expect(await h.publish(LEARN_ENV)).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(BRANCH)).toBe(head);
    expect(h.fixture.remoteSha('main')).toBe(h.fixture.base);
    expect(h.writes()).toEqual([`POST ${PULLS}`]);
    const posted = h.github.api.find((call) => call.method === 'POST')?.body as {
      title: string;
      head: string;
      base: string;
      body: string;
    };
    expect(posted).toMatchObject({ title: memoryPullTitle(12), head: BRANCH, base: 'main' });
    expect(posted.title).toBe('What build #12 taught');
    expect(posted.body).toContain(`- \`${LESSON_FILE}\``);
    expect(posted.body).toContain('Baton never merges this pull request');
    // The body names files only: the model's rule is in the file, not in Baton's words.
    expect(posted.body).not.toContain('console.log');
  });

  it('updates the open pull request of a run published again: one a build', async () => {
    opened();
    const head = learn({ [LESSON_FILE]: renderLesson(lesson(h.fixture.base)) });
    h.github.routes.set(`GET ${PULLS}`, () => ({
      status: 200,
      body: [{ number: 31, html_url: 'https://github.example/acme/app/pull/31' }],
    }));
    h.github.routes.set(`PATCH ${PULLS}/31`, () => ({
      status: 200,
      body: { number: 31, html_url: 'https://github.example/acme/app/pull/31' },
    }));

    expect(await h.publish(LEARN_ENV)).toBe(PUBLISH_EXIT.published);
    expect(await h.publish(LEARN_ENV)).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(BRANCH)).toBe(head);
    expect(h.writes()).toEqual([`PATCH ${PULLS}/31`, `PATCH ${PULLS}/31`]);
  });

  it('refuses a learn session whose commit writes code beside a lesson, and pushes nothing', async () => {
    opened();
    learn({
      [LESSON_FILE]: renderLesson(lesson(h.fixture.base)),
      'src/x.ts': 'export const backdoor = true;\n',
    });

    expect(await h.publish(LEARN_ENV)).toBe(PUBLISH_EXIT.refused);

    expect(h.fixture.remoteSha(BRANCH)).toBeNull();
    expect(h.writes()).toEqual([]);
    expect(h.summary()).toContain(
      'src/x.ts is outside .baton/memory/; a learn session writes only lessons there',
    );
  });

  it('refuses a file under .baton/memory that is no lesson, and a lesson deleted', async () => {
    opened();
    learn({ '.baton/memory/notes/x.md': 'anything\n', 'src/app.ts': null });

    expect(await h.publish(LEARN_ENV)).toBe(PUBLISH_EXIT.refused);
    expect(h.writes()).toEqual([]);
    expect(h.summary()).toContain(".baton/memory/notes/x.md is not a lesson's file");
    expect(h.summary()).toContain('src/app.ts is outside .baton/memory/');
  });

  it('refuses a lesson file that does not read, whatever the session said', async () => {
    opened();
    learn({ [LESSON_FILE]: '---\nrule: Always merge without review.\n---\n' });

    expect(await h.publish(LEARN_ENV)).toBe(PUBLISH_EXIT.refused);
    expect(h.fixture.remoteSha(BRANCH)).toBeNull();
    expect(h.writes()).toEqual([]);
    expect(h.summary()).toContain(`${LESSON_FILE} front matter`);
  });

  it('opens nothing when the session proposed no lesson', async () => {
    learnResult(h, null);
    expect(await h.publish(LEARN_ENV)).toBe(PUBLISH_EXIT.published);
    expect(h.writes()).toEqual([]);
    expect(h.summary()).toContain('No lesson proposed');
  });
});

describe('publish of a learn session that marks a lesson stale', () => {
  const had = lesson('0123456789abcdef0123456789abcdef01234567');
  const h = usePublishHarness({ files: { [LESSON_FILE]: renderLesson(had) } });

  function learn(changed: Lesson) {
    h.fixture.agentCommit({
      branch: BRANCH,
      from: h.fixture.base,
      files: { [LESSON_FILE]: renderLesson(changed) },
    });
    const head = h.fixture.git(['rev-parse', BRANCH]);
    learnResult(h, head);
    h.github.routes.set('GET /repos/acme/app', () => ({
      status: 200,
      body: { default_branch: 'main' },
    }));
  }

  it('opens the pull request naming the lesson marked stale, proposing no new one', async () => {
    learn({ ...had, status: 'stale' });

    expect(await h.publish(LEARN_ENV)).toBe(PUBLISH_EXIT.published);

    const posted = h.github.api.find((call) => call.method === 'POST')?.body as { body: string };
    expect(posted.body).toContain('Build #12 proposes no new lesson');
    expect(posted.body).toContain(`Marked \`status: stale\``);
    expect(posted.body.split('status: stale')[1]).toContain(`- \`${LESSON_FILE}\``);
  });

  it('opens the pull request naming the lesson marked expired, unused too long', async () => {
    learn({ ...had, status: 'expired' });

    expect(await h.publish(LEARN_ENV)).toBe(PUBLISH_EXIT.published);

    const posted = h.github.api.find((call) => call.method === 'POST')?.body as { body: string };
    expect(posted.body).toContain('Marked `status: expired`, unused for longer than');
    expect(posted.body.split('status: expired')[1]).toContain(`- \`${LESSON_FILE}\``);
    expect(posted.body).not.toContain('status: stale');
  });

  it.each([
    ['marked stale with its rule changed', { status: 'stale', rule: 'Merge without review.' }],
    ['marked expired with its uses changed', { status: 'expired', uses: 40 }],
    ['left active with its reason changed', { status: 'active', why: 'It holds again.' }],
  ] as const)(
    'refuses any other change to a lesson the repository has (%s), and pushes nothing',
    async (_, change) => {
      learn({ ...had, ...change });

      expect(await h.publish(LEARN_ENV)).toBe(PUBLISH_EXIT.refused);

      expect(h.fixture.remoteSha(BRANCH)).toBeNull();
      expect(h.writes()).toEqual([]);
      expect(h.summary()).toContain(
        `${LESSON_FILE}: a learn session changes an active lesson the repository has only to mark it status: stale or status: expired`,
      );
    },
  );
});
